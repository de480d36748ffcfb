#include "criu/notify.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace wb::criu {
namespace {

// 'text' for sh, whatever it holds.
std::string sh_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out.append("'\\''");
        else out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

void make_fifo(const std::string& path) {
    ::unlink(path.c_str());
    if (::mkfifo(path.c_str(), 0600) < 0) throw_errno("mkfifo " + path);
}

}  // namespace

std::string action_script(const std::vector<std::string>& actions, const std::string& notify_fifo,
                          const std::string& answer_fifo) {
    std::string cases;
    for (const auto& a : actions) {
        if (!cases.empty()) cases.push_back('|');
        cases.append(sh_quote(a));
    }
    std::string s = "#!/bin/sh\n";
    s += "# Written by whalebox for criu --action-script: reports these steps to whalebox\n";
    s += "# and waits for its answer (\"ok\" lets criu go on).\n";
    s += "case \"$CRTOOLS_SCRIPT_ACTION\" in\n";
    s += cases + ") ;;\n";
    s += "*) exit 0 ;;\n";
    s += "esac\n";
    s += "echo \"$CRTOOLS_SCRIPT_ACTION $CRTOOLS_INIT_PID\" >" + sh_quote(notify_fifo) + " || exit 1\n";
    s += "read -r answer <" + sh_quote(answer_fifo) + " || exit 1\n";
    s += "[ \"$answer\" = ok ]\n";
    return s;
}

bool parse_report(const std::string& line, std::string& action, pid_t& pid) {
    size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size()) return false;
    char* end = nullptr;
    long value = std::strtol(line.c_str() + space + 1, &end, 10);
    if (*end != '\0' || value <= 0) return false;
    action = line.substr(0, space);
    pid = static_cast<pid_t>(value);
    return true;
}

Notifications::Notifications(const std::string& dir, const std::vector<std::string>& actions)
    : script_(fs::join(dir, "whalebox-action-script.sh")),
      notify_path_(fs::join(dir, "whalebox-notify.fifo")),
      answer_path_(fs::join(dir, "whalebox-answer.fifo")) {
    make_fifo(notify_path_);
    make_fifo(answer_path_);
    // Both read-write: the script's opens never block, and neither end ever sees EOF.
    notify_.reset(::open(notify_path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!notify_) throw_errno("open " + notify_path_);
    answer_.reset(::open(answer_path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!answer_) throw_errno("open " + answer_path_);
    fs::write_file_atomic(script_, action_script(actions, notify_path_, answer_path_), 0700, fs::Sync::no_fsync);
}

Notifications::~Notifications() {
    ::unlink(script_.c_str());
    ::unlink(notify_path_.c_str());
    ::unlink(answer_path_.c_str());
}

bool Notifications::next(std::string& action, pid_t& pid) {
    for (;;) {
        size_t nl = pending_.find('\n');
        if (nl != std::string::npos) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            if (parse_report(line, action, pid)) return true;
            continue;
        }
        char buf[256];
        ssize_t n = ::read(notify_.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        pending_.append(buf, static_cast<size_t>(n));
    }
}

void Notifications::answer(bool ok) {
    const char* text = ok ? "ok\n" : "fail\n";
    size_t len = ok ? 3 : 5;
    while (::write(answer_.get(), text, len) < 0) {
        if (errno != EINTR) throw_errno("answer criu's action script");
    }
}

}  // namespace wb::criu
