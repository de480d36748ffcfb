#include "state/state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::state {

using nlohmann::json;

const char* to_string(Status s) {
    switch (s) {
    case Status::creating: return "creating";
    case Status::created: return "created";
    case Status::running: return "running";
    case Status::paused: return "paused";
    case Status::stopped: return "stopped";
    }
    return "stopped";
}

static Status status_from_string(const std::string& s) {
    if (s == "creating") return Status::creating;
    if (s == "created") return Status::created;
    if (s == "running") return Status::running;
    if (s == "paused") return Status::paused;
    return Status::stopped;
}

std::string to_oci_json(const State& s) {
    // Key order as runc prints it.
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["ociVersion"] = s.oci_version;
    j["id"] = s.id;
    j["pid"] = s.status == Status::stopped ? 0 : s.pid;
    j["status"] = to_string(s.status);
    j["bundle"] = s.bundle;
    j["rootfs"] = s.rootfs;
    j["created"] = s.created;
    if (!s.annotations.empty()) j["annotations"] = s.annotations;
    j["owner"] = s.owner;
    return j.dump(2);
}

std::string to_record_json(const State& s) {
    json j = {
        {"ociVersion", s.oci_version},
        {"id", s.id},
        {"status", to_string(s.status)},
        {"pid", s.pid},
        {"bundle", s.bundle},
        {"annotations", s.annotations},
        {"rootfs", s.rootfs},
        {"created", s.created},
        {"owner", s.owner},
        {"initStartTime", s.init_start_time},
        {"cgroupPath", s.cgroup_path},
        {"cgroupPaths", s.cgroup_paths},
        {"cgroupCreated", s.cgroup_created},
        {"systemdCgroup", s.systemd_cgroup},
        {"configPath", s.config_path},
    };
    return j.dump();
}

namespace {

// An integer field of the record, range-checked: nlohmann's value() converts a float or
// an out-of-range integer with a cast, which is undefined (found by tests/fuzz).
template <class T>
T integer_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return T{};
    bool ok = false;
    if (it->is_number_unsigned()) {
        ok = it->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
    } else if (it->is_number_integer()) {
        int64_t v = it->get<int64_t>();
        ok = v >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
             (v < 0 || static_cast<uint64_t>(v) <= static_cast<uint64_t>(std::numeric_limits<T>::max()));
    }
    if (!ok) throw Error(std::string("state.json: ") + key + ": not an integer in range: " + it->dump());
    return it->get<T>();
}

}  // namespace

State from_record_json(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("state.json: invalid JSON");
    State s;
    try {
        s.oci_version = j.value("ociVersion", "");
        s.id = j.value("id", "");
        s.status = status_from_string(j.value("status", "stopped"));
        s.pid = integer_field<pid_t>(j, "pid");
        s.bundle = j.value("bundle", "");
        s.annotations = j.value("annotations", std::map<std::string, std::string>{});
        s.rootfs = j.value("rootfs", "");
        s.created = j.value("created", "");
        s.owner = j.value("owner", "");
        s.init_start_time = integer_field<uint64_t>(j, "initStartTime");
        s.cgroup_path = j.value("cgroupPath", "");
        s.cgroup_paths = j.value("cgroupPaths", std::map<std::string, std::string>{});
        s.cgroup_created = j.value("cgroupCreated", std::vector<std::string>{});
        s.systemd_cgroup = j.value("systemdCgroup", false);
        s.config_path = j.value("configPath", "");
    } catch (const json::exception& e) {
        throw Error(std::string("state.json: ") + e.what());
    }
    return s;
}

void validate_id(const std::string& id) {
    if (id.empty()) throw Error("invalid container id: empty");
    if (id.size() > 1024) throw Error("invalid container id: longer than 1024 characters");
    if (id == "." || id == "..") throw Error("invalid container id format: " + id);
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || c == '.';
        if (!ok) throw Error("invalid container id format: " + id);
    }
}

Store::Store(std::string root) : root_(std::move(root)) {
    if (!root_.empty() && root_.front() != '/') {
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd)) root_ = fs::join(cwd, root_);
    }
}

std::string Store::dir(const std::string& id) const { return fs::join(root_, id); }
std::string Store::fifo_path(const std::string& id) const { return fs::join(dir(id), "exec.fifo"); }

bool Store::exists(const std::string& id) const {
    return fs::exists(fs::join(dir(id), "state.json"));
}

std::vector<std::string> Store::ids() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(root_.c_str());
    if (!d) return out;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (fs::exists(fs::join(fs::join(root_, name), "state.json"))) out.push_back(name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

void Store::create_dir(const std::string& id) const {
    fs::mkdir_all(root_, 0711);
    std::string d = dir(id);
    if (::mkdir(d.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw Error("container with id exists: " + id, EEXIST);
        throw_errno("mkdir " + d);
    }
}

State Store::load(const std::string& id) const {
    std::string text;
    if (!fs::try_read_file(fs::join(dir(id), "state.json"), text)) {
        if (errno == ENOENT) throw Error("container does not exist", ENOENT);
        throw_errno("read state of " + id);
    }
    return from_record_json(text);
}

void Store::save(const State& s) const {
    fs::write_file_atomic(fs::join(dir(s.id), "state.json"), to_record_json(s), 0600, fs::Sync::no_fsync);
}

void Store::remove(const std::string& id) const {
    std::string d = dir(id);
    if (int err = fs::remove_all(d)) throw_errno("remove " + d, err);
}

Lock Lock::acquire(const std::string& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw Error("container does not exist", ENOENT);
        throw_errno("open " + dir);
    }
    while (::flock(fd.get(), LOCK_EX) < 0) {
        if (errno != EINTR) throw_errno("lock " + dir);
    }
    return Lock(std::move(fd));
}

uint64_t process_start_time(pid_t pid) {
    if (pid <= 0) return 0;
    std::string stat;
    if (!fs::try_read_file("/proc/" + std::to_string(pid) + "/stat", stat)) return 0;
    // comm may contain spaces and parentheses: fields resume after the last ')'.
    size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return 0;
    const char* p = stat.c_str() + close + 2;
    char state = *p;
    if (state == 'Z' || state == 'X') return 0;
    // Field 3 is the state; field 22 is starttime: skip 19 more fields.
    int field = 3;
    while (*p && field < 22) {
        if (*p == ' ') ++field;
        ++p;
    }
    return std::strtoull(p, nullptr, 10);
}

Status compute_status(const State& s, bool fifo_exists, bool frozen) {
    if (s.status == Status::creating) return Status::creating;
    if (s.pid <= 0) return Status::stopped;
    uint64_t st = process_start_time(s.pid);
    if (st == 0 || (s.init_start_time != 0 && st != s.init_start_time)) return Status::stopped;
    if (frozen) return Status::paused;
    if (fifo_exists) return Status::created;
    return Status::running;
}

}  // namespace wb::state
