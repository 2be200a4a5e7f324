// A clinic owner as the module registry sees one (module.manage), for the plugin-host tests.
#pragma once

#include <set>
#include <string>

#include "vertebra/auth/auth.hpp"

namespace vertebra::core {

inline Principal owner(const std::string& name) {
    Principal p;
    p.name = name;
    p.roles = {Role::Owner};
    p.workstation = "test-host";
    return p;
}

}  // namespace vertebra::core
