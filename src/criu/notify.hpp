// criu's notifications on its command line. runc hears of each step of a restore
// (setup-namespaces, post-restore ...) over criu's RPC socket and acts while criu waits:
// the prestart and createRuntime hooks run at setup-namespaces, once the restored init
// exists in its new namespaces and before it runs. criu's command line offers the same
// through --action-script, a program criu runs at each step and waits for. The script
// whalebox writes tells us of the steps we ask for through a FIFO and waits for our
// answer on another: we act while criu waits, and a "fail" answer fails the restore.
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace wb::criu {

// The script's text for `actions` (criu's names), reporting to notify_fifo and reading
// the answer from answer_fifo. Pure: unit-tested.
std::string action_script(const std::vector<std::string>& actions, const std::string& notify_fifo,
                          const std::string& answer_fifo);

// Splits one report line "ACTION PID"; false when it is not one.
bool parse_report(const std::string& line, std::string& action, pid_t& pid);

// The script and its FIFOs in a directory (criu's work directory), removed again on
// destruction.
class Notifications {
public:
    Notifications(const std::string& dir, const std::vector<std::string>& actions);
    ~Notifications();
    Notifications(const Notifications&) = delete;
    Notifications& operator=(const Notifications&) = delete;

    const std::string& script() const { return script_; }
    // Readable when the script has reported (non-blocking).
    int fd() const { return notify_.get(); }
    // The next complete report, false when there is none yet.
    bool next(std::string& action, pid_t& pid);
    void answer(bool ok);

private:
    std::string script_, notify_path_, answer_path_, pending_;
    UniqueFd notify_, answer_;
};

// Called for each report while criu waits; throwing makes the script fail (and so the
// criu step), and run() rethrows the error once criu has exited.
using NotifyHandler = std::function<void(const std::string& action, pid_t pid)>;

}  // namespace wb::criu
