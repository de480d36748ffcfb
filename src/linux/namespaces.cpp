#include "linux/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>

#include "linux/procfs.hpp"
#include "linux/rootless.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::linux {

static_assert(kNamespaceTypes[0].flag == CLONE_NEWUSER && kNamespaceTypes[1].flag == CLONE_NEWIPC &&
              kNamespaceTypes[2].flag == CLONE_NEWUTS && kNamespaceTypes[3].flag == CLONE_NEWNET &&
              kNamespaceTypes[4].flag == CLONE_NEWPID && kNamespaceTypes[5].flag == CLONE_NEWCGROUP &&
              kNamespaceTypes[7].flag == CLONE_NEWNS);

namespace {

int order_of(int flag) {
    for (size_t i = 0; i < std::size(kNamespaceTypes); ++i)
        if (kNamespaceTypes[i].flag == flag) return static_cast<int>(i);
    return 99;
}

}  // namespace

int namespace_flag(const std::string& type) {
    for (const auto& t : kNamespaceTypes)
        if (type == t.oci_name) return t.flag;
    return 0;
}

bool applies_to_children(int flag) { return flag == CLONE_NEWPID || flag == kCloneNewTime; }

NamespacePlan plan_namespaces(const oci::Linux& linux) {
    NamespacePlan plan;
    for (const auto& ns : linux.namespaces) {
        int flag = namespace_flag(ns.type);
        if (!flag) throw Error("unknown namespace type \"" + ns.type + "\"");
        if (ns.path.empty()) {
            plan.clone_flags |= flag;
            if (flag == CLONE_NEWUSER) plan.new_user = true;
            if (flag == kCloneNewTime) plan.new_time = true;
            continue;
        }
        JoinedNamespace j;
        j.flag = flag;
        j.path = ns.path;
        j.fd.reset(sys().open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!j.fd) throw_errno("open " + ns.type + " namespace " + ns.path);
        plan.joins.push_back(std::move(j));
    }
    std::stable_sort(plan.joins.begin(), plan.joins.end(),
                     [](const auto& a, const auto& b) { return order_of(a.flag) < order_of(b.flag); });
    return plan;
}

std::string format_id_map(const std::vector<oci::IdMapping>& mappings) {
    std::string out;
    for (const auto& m : mappings)
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
               std::to_string(m.size) + "\n";
    return out;
}

void write_id_maps(pid_t pid, const oci::Linux& linux) { write_id_maps_as(pid, linux, current_caller()); }

std::string format_time_offsets(const oci::Linux& linux) {
    std::string out;
    for (const auto& [clock, off] : linux.time_offsets)
        out += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
    return out;
}

void join_namespace(const JoinedNamespace& ns) {
    if (sys().setns(ns.fd.get(), ns.flag) < 0) throw_errno("join namespace " + ns.path);
}

void ChildNamespaceGuard::enter(const JoinedNamespace& ns) {
    const char* self = ns.flag == CLONE_NEWPID ? "/proc/self/ns/pid_for_children"
                                               : "/proc/self/ns/time_for_children";
    UniqueFd& saved = ns.flag == CLONE_NEWPID ? saved_pid_ : saved_time_;
    if (!saved) {
        saved.reset(sys().open(self, O_RDONLY | O_CLOEXEC));
        if (!saved) throw_errno(std::string("open ") + self);
    }
    join_namespace(ns);
}

void ChildNamespaceGuard::unshare_time(const oci::Linux& linux) {
    if (!saved_time_) {
        saved_time_.reset(sys().open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC));
        if (!saved_time_) throw_errno("open /proc/self/ns/time_for_children");
    }
    if (sys().unshare(kCloneNewTime) < 0) throw_errno("unshare time namespace");
    std::string offsets = format_time_offsets(linux);
    if (!offsets.empty()) write_proc_self_file("timens_offsets", offsets);
}

ChildNamespaceGuard::~ChildNamespaceGuard() {
    if (saved_pid_) (void)sys().setns(saved_pid_.get(), CLONE_NEWPID);
    if (saved_time_) (void)sys().setns(saved_time_.get(), kCloneNewTime);
}

}  // namespace wb::linux
