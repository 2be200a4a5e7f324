// The plugin ABI: API version, build signature, and the two exports every plugin provides.
#pragma once

#include <cstdint>

#include <boost/config.hpp>
#include <boost/version.hpp>

namespace vertebra::plugin_api {

/// Version of the plugin API in these headers. Bumped on any incompatible change; a plugin built
/// against another version is refused before its factory runs. Must equal
/// VERTEBRA_PLUGIN_API_VERSION in cmake/VertebraPlugin.cmake.
inline constexpr std::uint32_t kApiVersion = 2;  // 2: PayerRef::clinic_options

#if defined(VERTEBRA_PLUGIN_MANIFEST_API_VERSION)
static_assert(VERTEBRA_PLUGIN_MANIFEST_API_VERSION == kApiVersion,
              "cmake/VertebraPlugin.cmake and plugin_api/abi.hpp disagree on the API version");
#endif

#define VERTEBRA_ABI_STR2(x) #x
#define VERTEBRA_ABI_STR(x) VERTEBRA_ABI_STR2(x)

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define VERTEBRA_ABI_CXX11 VERTEBRA_ABI_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define VERTEBRA_ABI_CXX11 "none"
#endif

#if defined(BOOST_DLL_USE_STD_FS)
#define VERTEBRA_ABI_FS "std"
#else
#define VERTEBRA_ABI_FS "boost"
#endif

/// What the translation unit that expands it was built with. Host and plugin expand it
/// separately; the host requires the two strings to be equal.
#define VERTEBRA_BUILD_SIGNATURE                                                     \
    "compiler=" BOOST_COMPILER ";cxx=" VERTEBRA_ABI_STR(__cplusplus)                 \
    ";cxx11abi=" VERTEBRA_ABI_CXX11 ";boost=" VERTEBRA_ABI_STR(BOOST_VERSION) \
    ";dll_fs=" VERTEBRA_ABI_FS

/// Plain C layout on purpose: the host reads it before it trusts anything else in the library.
struct AbiDescriptor {
    std::uint32_t api_version;    ///< kApiVersion the plugin was built with
    const char* build_signature;  ///< VERTEBRA_BUILD_SIGNATURE of the plugin build
};

/// Alias names of the two exports (see VERTEBRA_PLUGIN in plugin.hpp).
inline constexpr const char* kAbiDescriptorSymbol = "vertebra_plugin_abi";
inline constexpr const char* kFactorySymbol = "vertebra_plugin_create";

}  // namespace vertebra::plugin_api
