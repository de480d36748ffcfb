#include "cgroups/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <set>
#include <string_view>
#include <thread>

#include "cgroups/manager.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::cgroups {

static int write_all(int fd, const std::string& data) {
    size_t off = 0;
    // cgroupfs takes one value per write(2): never split it, never write nothing.
    do {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        off += static_cast<size_t>(n);
    } while (off < data.size());
    return 0;
}

int Files::try_write(const std::string& dir, const std::string& name,
                     const std::string& value) const {
    if (journal_) journal_->emplace_back(fs::join(dir, name), value);
    std::string path = fs::join(dir, name);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) return errno;
    return write_all(fd.get(), value);
}

void Files::write(const std::string& dir, const std::string& name,
                  const std::string& value) const {
    if (int err = try_write(dir, name, value))
        throw_errno("write " + name + " \"" + value + "\"", err);
}

void Files::write_each(const std::string& dir, const Journal& writes) const {
    std::map<std::string, UniqueFd> open_files;
    for (const auto& [name, value] : writes) {
        if (journal_) journal_->emplace_back(fs::join(dir, name), value);
        UniqueFd& fd = open_files[name];
        if (!fd) fd.reset(::open(fs::join(dir, name).c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        int err = fd ? write_all(fd.get(), value) : errno;
        if (err) throw_errno("write " + name + " \"" + value + "\"", err);
    }
}

SelfJoin::SelfJoin(const Manager* manager) {
    if (!manager) return;
    for (const std::string& path : manager->self_join_files()) {
        UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + path);
        files_.emplace_back(path, std::move(fd));
    }
}

void SelfJoin::join() {
    for (auto& [path, fd] : files_) {
        // "0": the writer itself, moved without the global threadgroup lock (see
        // Manager::self_join_files).
        if (int err = write_all(fd.get(), "0")) throw_errno("join cgroup " + parent_path(path), err);
        fd.reset();
    }
    files_.clear();
}

bool has_file(const std::string& dir, const std::string& name) {
    return fs::exists(fs::join(dir, name));
}

static std::string rtrim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s;
}

std::optional<std::string> read_opt(const std::string& dir, const std::string& name) {
    std::string out;
    if (!fs::try_read_file(fs::join(dir, name), out)) return std::nullopt;
    return rtrim(std::move(out));
}

std::string read_str(const std::string& dir, const std::string& name) {
    std::string out;
    if (!fs::try_read_file(fs::join(dir, name), out)) throw_errno("read " + name);
    return rtrim(std::move(out));
}

static bool parse_u64(const std::string& s, uint64_t& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

uint64_t read_u64(const std::string& dir, const std::string& name, uint64_t max_value) {
    auto s = read_opt(dir, name);
    if (!s) return 0;
    if (*s == "max") return max_value;
    uint64_t v = 0;
    return parse_u64(*s, v) ? v : 0;
}

std::map<std::string, uint64_t> read_flat_keyed(const std::string& dir, const std::string& name) {
    std::map<std::string, uint64_t> out;
    auto s = read_opt(dir, name);
    if (!s) return out;
    for (const auto& line : split(*s, "\n")) {
        auto f = split(line, " \t");
        uint64_t v = 0;
        if (f.size() == 2 && parse_u64(f[1], v)) out[f[0]] = v;
    }
    return out;
}

static std::vector<std::string> list_dir(const std::string& dir, bool dirs) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            is_dir = ::lstat(fs::join(dir, n).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        }
        if (is_dir == dirs) out.push_back(n);
    }
    ::closedir(d);
    return out;
}

std::vector<std::string> list_subdirs(const std::string& dir) { return list_dir(dir, true); }
std::vector<std::string> list_files(const std::string& dir) { return list_dir(dir, false); }

std::vector<pid_t> read_procs_recursive(const std::string& dir) {
    std::vector<pid_t> out;
    if (auto s = read_opt(dir, "cgroup.procs")) {
        for (const auto& t : split(*s, "\n \t")) {
            uint64_t v = 0;
            if (parse_u64(t, v)) out.push_back(static_cast<pid_t>(v));
        }
    }
    for (const auto& sub : list_subdirs(dir)) {
        auto more = read_procs_recursive(fs::join(dir, sub));
        out.insert(out.end(), more.begin(), more.end());
    }
    return out;
}

int remove_cgroup_dir(const std::string& dir) {
    auto delay = std::chrono::milliseconds(1);
    for (int tries = 0;; ++tries) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
        if (errno == EINTR) continue;
        if (errno != EBUSY || tries >= 10) return errno;
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
}

int remove_cgroup_tree(const std::string& dir) {
    // A container's cgroup has no sub-cgroups as a rule: one rmdir, no listing first (a
    // `run` removes ten on cgroup v1 hosts before it returns).
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return 0;
    for (const auto& sub : list_subdirs(dir))
        if (int err = remove_cgroup_tree(fs::join(dir, sub))) return err;
    return remove_cgroup_dir(dir);
}

void make_cgroup_dirs(const std::string& root, const std::string& rel,
                      std::vector<std::string>& created) {
    // The leaf first: its parent is there as a rule (the runtime's own cgroup, a slice), so
    // one mkdir instead of a mkdir and a stat for each ancestor.
    if (std::string leaf = clean_path(fs::join(root, rel)); leaf != clean_path(root)) {
        if (::mkdir(leaf.c_str(), 0755) == 0) {
            created.push_back(leaf);
            return;
        }
        if (errno != ENOENT && errno != EEXIST) throw_errno("mkdir " + leaf);
    }
    std::string cur = root;
    for (const auto& part : split(rel, "/")) {
        cur = fs::join(cur, part);
        if (::mkdir(cur.c_str(), 0755) == 0) {
            created.push_back(cur);
            continue;
        }
        if (errno != EEXIST) throw_errno("mkdir " + cur);
        struct stat st {};
        if (::stat(cur.c_str(), &st) < 0) throw_errno("stat " + cur);
        if (!S_ISDIR(st.st_mode)) throw Error("mkdir " + cur + ": not a directory", ENOTDIR);
    }
}

void remove_created_dirs(const std::vector<std::string>& created) {
    for (auto it = created.rbegin(); it != created.rend(); ++it) remove_cgroup_dir(*it);
}

void remove_unused_dirs(const std::vector<std::string>& created, const std::set<std::string>& removed) {
    for (auto it = created.rbegin(); it != created.rend(); ++it)
        if (!removed.count(*it) && ::access(it->c_str(), F_OK) == 0 && list_subdirs(*it).empty())
            remove_cgroup_dir(*it);
}

namespace {

// Calls piece(view) for each non-empty piece of s between separators.
template <class F>
void for_each_piece(std::string_view s, std::string_view seps, F&& piece) {
    // A token at a time (not a character at a time: mountinfo is read on every command),
    // and with one separator by find (memchr) rather than find_first_of's loop.
    for (size_t pos = 0; pos < s.size();) {
        size_t end = seps.size() == 1 ? s.find(seps[0], pos) : s.find_first_of(seps, pos);
        if (end == std::string_view::npos) end = s.size();
        if (end > pos) piece(s.substr(pos, end - pos));
        pos = end + 1;
    }
}

// Already what clean_path makes of it: "/", or no empty, "." or ".." part and no trailing
// slash (most paths, and clean_path runs on every path of every command: no copies then).
bool is_clean(std::string_view p) {
    if (p == "/") return true;
    if (p.empty() || p.back() == '/') return false;
    for (size_t pos = p[0] == '/' ? 1 : 0; pos <= p.size();) {
        size_t end = p.find('/', pos);
        if (end == std::string_view::npos) end = p.size();
        std::string_view part = p.substr(pos, end - pos);
        if (part.empty() || part == "." || part == "..") return false;
        pos = end + 1;
    }
    return true;
}

}  // namespace

std::vector<std::string_view> split_views(std::string_view s, std::string_view seps) {
    std::vector<std::string_view> out;
    for_each_piece(s, seps, [&](std::string_view v) { out.push_back(v); });
    return out;
}

std::vector<std::string> split(const std::string& s, const std::string& seps) {
    std::vector<std::string> out;
    for_each_piece(s, seps, [&](std::string_view v) { out.emplace_back(v); });
    return out;
}

std::string clean_path(const std::string& path) {
    if (is_clean(path)) return path;
    bool abs = !path.empty() && path[0] == '/';
    std::vector<std::string> parts;
    for (auto& p : split(path, "/")) {
        if (p == ".") continue;
        if (p == "..") {
            if (!parts.empty() && parts.back() != "..") parts.pop_back();
            else if (!abs) parts.push_back(p);
            continue;
        }
        parts.push_back(p);
    }
    std::string out = abs ? "/" : "";
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += '/';
        out += parts[i];
    }
    if (out.empty()) out.assign(1, '.');
    return out;
}

std::string parent_path(const std::string& path) {
    std::string p = clean_path(path);
    auto pos = p.rfind('/');
    if (pos == std::string::npos) return ".";
    if (pos == 0) return "/";
    return p.substr(0, pos);
}

}  // namespace wb::cgroups
