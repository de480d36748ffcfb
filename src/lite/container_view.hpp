// Containers and images as docker shows them: the objects `ps --format`, `images --format`
// and `inspect` hand to a Go template (docker's field names), and ps's filters.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lite/lifecycle.hpp"

namespace wb::lite {

// What ps knows of one container now.
struct ContainerView {
    ContainerRecord record;
    std::string state;  // docker's State.Status: created | running | paused | exited
    bool alive = false;
    pid_t pid = 0;
    std::map<std::string, std::string> labels;  // --label, from config.json's annotations
};

ContainerView view_container(const LiteContext& c, const ContainerRecord& r);

// docker ps's row object: ID, Image, Command, CreatedAt, RunningFor, Ports, State, Status,
// Size (with_size), Names, Labels, Mounts, Networks.
nlohmann::json ps_object(const LiteContext& c, const ContainerView& v, bool no_trunc, bool with_size);

// docker inspect's object for a container (Id, Created, Path, Args, State{...}, Image,
// Name, Config, HostConfig, Mounts, NetworkSettings) and for an image (Id, RepoTags,
// Created, Config, RootFS, Size, ...).
nlohmann::json inspect_container(const LiteContext& c, const ContainerView& v);
nlohmann::json inspect_image(const LiteContext& c, const ImageRecord& r);

// ps --filter KEY=VALUE (name, status, ancestor, label, id, exited): true when v matches
// every filter (several values of the same key: any of them). Throws for an unknown key.
bool matches_filters(const LiteContext& c, const ContainerView& v, const std::vector<std::string>& filters);

}  // namespace wb::lite
