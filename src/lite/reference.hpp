// docker's image reference grammar (distribution/reference): what a name[:tag][@digest]
// may look like. Used wherever whalebox-lite takes an image name.
#pragma once
#include <string>

namespace wb::lite {

// Throws wb::Error("invalid reference format") (or "...: repository name (X) must be
// lowercase") unless ref is [domain/]path-component[/...][:tag][@algo:hex].
void check_reference(const std::string& ref);
// True when check_reference would accept ref.
bool valid_reference(const std::string& ref);

}  // namespace wb::lite
