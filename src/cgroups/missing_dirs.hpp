// What a Manager's create() is about to make, so that it can be recorded first.
#pragma once
#include <string>
#include <vector>

#include "cgroups/manager.hpp"

namespace wb::cgroups {

// The directories create() would make now for `m`: each directory of controller_paths()
// and those of its ancestors that are not there yet, top-down within each hierarchy.
// create records them before making any, so that a create killed midway still names the
// parents it may have made; they go back in with Manager::set_created_dirs().
std::vector<std::string> missing_dirs(const Manager& m);

}  // namespace wb::cgroups
