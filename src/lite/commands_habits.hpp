// The commands docker users reach for beyond the first set (issue 17): volumes, and the
// container and image commands of commands_more.cpp. cli_habits.cpp registers them.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "lite/lifecycle.hpp"

namespace wb::lite {

// --label K=V (or K) flags as a map; throws for an empty key.
std::map<std::string, std::string> parse_labels(const std::vector<std::string>& flags);

int cmd_volume_create(const LiteContext& c, const std::string& name, const std::vector<std::string>& labels);
int cmd_volume_ls(const LiteContext& c, bool quiet, const std::string& format);
int cmd_volume_inspect(const LiteContext& c, const std::vector<std::string>& names, const std::string& format);
int cmd_volume_rm(const LiteContext& c, const std::vector<std::string>& names, bool force);
int cmd_volume_prune(const LiteContext& c, bool all, bool force);

// commands_more.cpp
int cmd_tag(const LiteContext& c, const std::string& source, const std::string& target);
int cmd_rename(const LiteContext& c, const std::string& ref, const std::string& name);
int cmd_wait(const LiteContext& c, const std::vector<std::string>& refs);
int cmd_version(const LiteContext& c);

}  // namespace wb::lite
