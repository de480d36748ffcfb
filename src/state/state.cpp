#include "state/state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/json_writer.hpp"

namespace wb::state {

using nlohmann::json;

OciState oci_state(const State& s, Status status, pid_t pid) {
    return OciState{s.oci_version, s.id, status, pid, s.bundle, s.annotations};
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

// Both records are written on every create: straight into the string (wb::json::ObjectWriter),
// with the keys in the sorted order an nlohmann object would dump them in.
namespace {

// The cgroup fields both records hold, where they fall in that order.
wb::json::ObjectWriter& cgroup_dirs(wb::json::ObjectWriter& w, const State& s) {
    return w.field("cgroupCreated", s.cgroup_created).field("cgroupPath", s.cgroup_path).field("cgroupPaths", s.cgroup_paths);
}

}  // namespace

std::string to_record_json(const State& s) {
    std::string out;
    out.reserve(1024);
    wb::json::ObjectWriter w(out);
    cgroup_dirs(w.field("annotations", s.annotations).field("bundle", s.bundle), s)
        .field("configPath", s.config_path)
        .field("created", s.created);
    if (s.creator_pid > 0) w.field_int("creatorPid", s.creator_pid).field_uint("creatorStartTime", s.creator_start_time);
    w.field("id", s.id)
        .field_uint("initStartTime", s.init_start_time)
        .field("ociVersion", s.oci_version)
        .field("owner", s.owner)
        .field_int("pid", s.pid)
        .field("rootfs", s.rootfs)
        .field("status", to_string(s.status))
        .field_bool("systemdCgroup", s.systemd_cgroup);
    w.close();
    return out;
}

std::string to_cgroup_record_json(const State& s) {
    std::string out;
    wb::json::ObjectWriter w(out);
    cgroup_dirs(w, s).field("id", s.id).field_bool("systemdCgroup", s.systemd_cgroup);
    w.close();
    return out;
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
        s.creator_pid = j.value("creatorPid", 0);
        s.creator_start_time = j.value("creatorStartTime", uint64_t{0});
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
    struct stat st {};
    return ::stat(dir(id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_valid_id(const std::string& id) {
    try {
        validate_id(id);
        return true;
    } catch (const Error&) {
        return false;
    }
}

std::vector<std::string> Store::ids() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(root_.c_str());
    if (!d) return out;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || !is_valid_id(name)) continue;  // create's "ID@PID"
        if (exists(name)) out.push_back(name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

// "ID@PID": where create prepares ROOT/ID. '@' is not valid in an id, so it is never
// listed; one left by a create killed before its rename holds nothing but the record.
static std::string staging_name(const std::string& id, pid_t pid) { return id + "@" + std::to_string(pid); }

// Removes the staging directories of id whose creator is gone.
static void remove_stale_staging(const std::string& root, const std::string& id) {
    DIR* d = ::opendir(root.c_str());
    if (!d) return;
    std::vector<std::string> stale;
    const std::string prefix = id + "@";
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) < 0 && errno == ESRCH) stale.push_back(name);
    }
    ::closedir(d);
    for (const auto& name : stale) fs::remove_all(fs::join(root, name));
}

namespace {

void write_new_file(int dirfd, const std::string& dir, const char* name, std::string_view data) {
    UniqueFd f(::openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!f) throw_errno("create " + fs::join(dir, name));
    if (int err = fs::write_all(f.get(), data)) throw_errno("write " + fs::join(dir, name), err);
}

}  // namespace

Lock Store::create_dir(const State& first) const {
    fs::mkdir_all(root_, 0711);
    const std::string d = dir(first.id);
    if (exists(first.id)) throw Error("container with id exists: " + first.id, EEXIST);
    remove_stale_staging(root_, first.id);
    const std::string staging = fs::join(root_, staging_name(first.id, ::getpid()));
    fs::remove_all(staging);  // ours, from an earlier attempt in this process
    if (::mkdir(staging.c_str(), 0711) < 0) throw_errno("mkdir " + staging);
    try {
        UniqueFd fd(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd) throw_errno("open " + staging);
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0) throw_errno("lock " + staging);
        // Nobody reads the staging directory before it is renamed into place: its files
        // need no temporary name and rename each (write_file_atomic's).
        write_new_file(fd.get(), staging, "state.json", to_record_json(first));
        write_new_file(fd.get(), staging, "cgroup.json", to_cgroup_record_json(first));
        if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, d.c_str(), RENAME_NOREPLACE) < 0) {
            if (errno == EEXIST || errno == ENOTEMPTY) throw Error("container with id exists: " + first.id, EEXIST);
            throw_errno("rename " + staging + " to " + d);
        }
        return Lock(std::move(fd));
    } catch (...) {
        fs::remove_all(staging);
        throw;
    }
}

static std::string read_record(const std::string& dir, const std::string& id, const char* name) {
    std::string text;
    if (fs::try_read_file(fs::join(dir, name), text)) return text;
    int err = errno;
    struct stat st {};
    if (::stat(dir.c_str(), &st) < 0 && errno == ENOENT) throw Error("container does not exist", ENOENT);
    throw Error("state of container " + id + " is unreadable: " + errno_message(name, err), err);
}

State Store::load(const std::string& id) const {
    std::string text = read_record(dir(id), id, "state.json");
    try {
        return from_record_json(text);
    } catch (const Error& e) {
        throw Error("state of container " + id + " is unreadable: " + e.what(), EBADMSG);
    }
}

State Store::load_cgroup_record(const std::string& id) const {
    return from_record_json(read_record(dir(id), id, "cgroup.json"));
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
    if (s.status == Status::creating) {
        // A create at work, or one killed before it finished: then what it made is only
        // there to be deleted, whatever it left running.
        bool creator_alive = s.creator_pid > 0 && process_start_time(s.creator_pid) == s.creator_start_time;
        return creator_alive ? Status::creating : Status::stopped;
    }
    if (s.pid <= 0) return Status::stopped;
    uint64_t st = process_start_time(s.pid);
    if (st == 0 || (s.init_start_time != 0 && st != s.init_start_time)) return Status::stopped;
    if (frozen) return Status::paused;
    if (fifo_exists) return Status::created;
    return Status::running;
}

}  // namespace wb::state
