// whalebox-lite-init: the init `whalebox-lite run --init` puts in front of the container's
// command (mounted at /sbin/docker-init, as docker's tini). As PID 1 it starts the command,
// forwards every signal it gets to it, reaps every zombie the container leaves, and exits
// with the command's status (128 + the signal when it was killed).
//
// Usage: docker-init [--] COMMAND [ARG...]
//
// Linked statically: it runs in any image, whatever libc the image has (or none).
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

int status_code(int wstatus) {
    if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
    return 255;
}

// Signals that stay with the init: they report on its children or are the kernel's
// synchronous faults; every other one goes to the command.
bool kept(int sig) {
    return sig == SIGCHLD || sig == SIGFPE || sig == SIGILL || sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT ||
           sig == SIGTRAP || sig == SIGSYS || sig == SIGTTIN || sig == SIGTTOU;
}

}  // namespace

int main(int argc, char** argv) {
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0) ++first;
    if (first >= argc) {
        fprintf(stderr, "usage: %s [--] COMMAND [ARG...]\n", argv[0]);
        return 1;
    }
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1);  // reaps orphans when not PID 1 too

    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t child = fork();
    if (child < 0) {
        perror("docker-init: fork");
        return 1;
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, nullptr);
        // The command owns the terminal, as it would without an init.
        setpgid(0, 0);
        if (isatty(STDIN_FILENO)) {
            signal(SIGTTOU, SIG_IGN);
            tcsetpgrp(STDIN_FILENO, getpgrp());
            signal(SIGTTOU, SIG_DFL);
        }
        execvp(argv[first], argv + first);
        int err = errno;
        fprintf(stderr, "docker-init: exec %s: %s\n", argv[first], strerror(err));
        _exit(err == ENOENT ? 127 : 126);
    }
    int exit_code = -1;
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) {
            if (errno == EINTR) continue;
            perror("docker-init: sigwaitinfo");
            return 1;
        }
        if (!kept(sig)) {
            kill(child, sig);
            continue;
        }
        if (sig != SIGCHLD) continue;
        for (;;) {
            int st = 0;
            pid_t pid = waitpid(-1, &st, WNOHANG);
            if (pid <= 0) break;
            if (pid == child) exit_code = status_code(st);
        }
        if (exit_code >= 0) return exit_code;
    }
}
