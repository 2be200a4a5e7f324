// The one header a plugin includes: the whole plugin API plus the VERTEBRA_PLUGIN export macro.
#pragma once

#include <memory>

#include <boost/dll/alias.hpp>

#include "vertebra/common/error.hpp"
#include "vertebra/plugin_api/abi.hpp"
#include "vertebra/plugin_api/billing.hpp"
#include "vertebra/plugin_api/clinical.hpp"
#include "vertebra/plugin_api/context.hpp"
#include "vertebra/plugin_api/forms.hpp"
#include "vertebra/plugin_api/module.hpp"
#include "vertebra/plugin_api/rule_data.hpp"
#include "vertebra/plugin_api/workflow.hpp"

/// Exports the ABI descriptor (API version + build signature). Use once per plugin, at global
/// namespace scope. VERTEBRA_PLUGIN does it for you.
#define VERTEBRA_PLUGIN_ABI_DESCRIPTOR()                                          \
    namespace vertebra_plugin_exports {                                           \
    const ::vertebra::plugin_api::AbiDescriptor abi_descriptor{                   \
        ::vertebra::plugin_api::kApiVersion, VERTEBRA_BUILD_SIGNATURE};           \
    }                                                                             \
    BOOST_DLL_ALIAS(vertebra_plugin_exports::abi_descriptor, vertebra_plugin_abi)

/// Exports the factory that creates `ModuleClass` (default-constructible TherapyModule).
#define VERTEBRA_PLUGIN_FACTORY(ModuleClass)                                      \
    namespace vertebra_plugin_exports {                                           \
    std::unique_ptr<::vertebra::plugin_api::TherapyModule> create_module() {      \
        return std::make_unique<ModuleClass>();                                   \
    }                                                                             \
    }                                                                             \
    BOOST_DLL_ALIAS(vertebra_plugin_exports::create_module, vertebra_plugin_create)

/// Makes this shared library a Vertebra plugin whose module is `ModuleClass`:
///     VERTEBRA_PLUGIN(vertebra::plugins::massage::MassageModule)
#define VERTEBRA_PLUGIN(ModuleClass) \
    VERTEBRA_PLUGIN_ABI_DESCRIPTOR()  \
    VERTEBRA_PLUGIN_FACTORY(ModuleClass)
