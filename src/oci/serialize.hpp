// oci::Spec -> config.json text, laid out as runc writes it: keys in the order of the Go
// structs of runtime-spec (specs-go), optional keys left out when unset or empty (Go's
// omitempty), tab indentation, no trailing newline; the keys a struct did not know when it
// was read (its `extra`) follow its known ones. parse_spec(serialize_spec(s)) gives s back.
// Both directions follow the field tables of oci/spec_fields.hpp.
#pragma once
#include <string>

#include "oci/spec.hpp"

namespace wb::oci {

std::string serialize_spec(const Spec& spec);
std::string serialize_process(const Process& process);
std::string serialize_resources(const Resources& resources);

}  // namespace wb::oci
