#include "criu/run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "criu/args.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace wb::criu {
namespace {

std::string lookup(const std::string& name) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = std::getenv("PATH");
    std::string dirs = path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    size_t start = 0;
    for (;;) {
        size_t end = dirs.find(':', start);
        std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty()) {
            std::string candidate = fs::join(dir, name);
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
        if (end == std::string::npos) return "";
        start = end + 1;
    }
}

[[noreturn]] void exec_child(const std::string& criu, const std::vector<std::string>& args, const std::vector<int>& keep_fds,
                             const ChildSetup& setup) {
    try {
        std::vector<std::string> all = args;
        if (setup) setup(all);
        for (int fd : keep_fds) {
            int flags = ::fcntl(fd, F_GETFD);
            if (flags < 0 || ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) throw_errno("keep fd " + std::to_string(fd));
        }
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(criu.c_str()));
        for (const auto& a : all) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execve(criu.c_str(), argv.data(), environ);
        throw_errno("exec " + criu);
    } catch (const std::exception& e) {
        std::string line = std::string("whalebox: ") + e.what() + "\n";
        ssize_t r = ::write(STDERR_FILENO, line.data(), line.size());
        (void)r;
    }
    ::_exit(127);
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("wait for criu");
    }
    return status;
}

}  // namespace

std::string find_criu(const std::string& name) {
    std::string path = lookup(name.empty() ? "criu" : name);
    if (path.empty()) throw Error("checkpoint/restore needs criu, which was not found (" + name + "): install criu 3.15 or newer");
    int out[2];
    if (::pipe2(out, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd read_end(out[0]), write_end(out[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::dup2(write_end.get(), STDOUT_FILENO);
        exec_child(path, {"--version"}, {}, {});
    }
    write_end.reset();
    std::string text = fs::read_all(read_end.get());
    int status = wait_for(pid);
    auto version = parse_version(text);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !version)
        throw Error("checkpoint/restore needs criu 3.15 or newer: " + path + " --version failed");
    if (*version < min_version)
        throw Error("checkpoint/restore needs criu 3.15 or newer: " + path + " is version " + std::to_string(*version / 10000) +
                    "." + std::to_string(*version / 100 % 100) + "." + std::to_string(*version % 100));
    return path;
}

int run(const std::string& criu, const std::vector<std::string>& args, const std::vector<int>& keep_fds, const ChildSetup& setup,
        Notifications* notifications, const NotifyHandler& on_report) {
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork criu");
    if (pid == 0) exec_child(criu, args, keep_fds, setup);
    if (!notifications) return wait_for(pid);
    // Until criu exits: answer its action script's reports as they come.
    std::exception_ptr failure;
    for (;;) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done < 0 && errno != EINTR) throw_errno("wait for criu");
        if (done == pid) {
            if (failure) std::rethrow_exception(failure);
            return status;
        }
        struct pollfd p {notifications->fd(), POLLIN, 0};
        if (::poll(&p, 1, 20) < 0 && errno != EINTR) throw_errno("poll criu's notifications");
        std::string action;
        pid_t task = 0;
        while (notifications->next(action, task)) {
            bool ok = true;
            try {
                if (!failure) on_report(action, task);
            } catch (...) {
                failure = std::current_exception();
                ok = false;
            }
            notifications->answer(ok && !failure);
        }
    }
}

std::string failure_message(const char* what, int wait_status, const std::string& log_path) {
    std::string msg = std::string("criu ") + what + " failed";
    if (WIFEXITED(wait_status)) msg += " (exit status " + std::to_string(WEXITSTATUS(wait_status)) + ")";
    else if (WIFSIGNALED(wait_status)) msg += std::string(" (") + ::strsignal(WTERMSIG(wait_status)) + ")";
    std::string log;
    if (fs::try_read_file(log_path, log)) {
        // The first "Error (" line says most (the last is "Dumping FAILED.").
        size_t pos = log.find("Error (");
        if (pos != std::string::npos) {
            size_t begin = log.rfind('\n', pos);
            begin = begin == std::string::npos ? 0 : begin + 1;
            size_t end = log.find('\n', pos);
            msg += ": " + log.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        }
    }
    return msg + "; log: " + log_path;
}

}  // namespace wb::criu
