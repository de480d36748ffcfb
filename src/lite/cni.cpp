#include "lite/cni.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::lite {

using nlohmann::json;

namespace {

std::string find_plugin(const std::string& type) {
    if (type.empty() || type.find('/') != std::string::npos) throw Error("invalid CNI plugin type '" + type + "'");
    for (const auto& dir : cni_plugin_dirs()) {
        std::string path = dir + "/" + type;
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    throw Error("CNI plugin " + type + " not found in /usr/lib/cni or /opt/cni/bin (apt-get install containernetworking-plugins)");
}

std::string joined_plugin_path() {
    std::string out;
    for (const auto& d : cni_plugin_dirs()) out += (out.empty() ? "" : ":") + d;
    return out;
}

struct PluginOutput {
    int status = 0;
    std::string out, err;
};

// fork+execve with stdin = input, stdout and stderr read to the end.
PluginOutput exec_plugin(const std::string& path, const std::vector<std::string>& env, const std::string& input) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd in_r(in[0]), in_w(in[1]);
    if (::pipe2(out, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd out_r(out[0]), out_w(out[1]);
    if (::pipe2(err, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd err_r(err[0]), err_w(err[1]);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::dup2(in_r.get(), 0);
        ::dup2(out_w.get(), 1);
        ::dup2(err_w.get(), 2);
        ::execve(path.c_str(), argv, envp.data());
        _exit(127);
    }
    in_r.reset();
    out_w.reset();
    err_w.reset();
    // Configurations are a few kilobytes: they fit in the pipe before the plugin reads.
    fs::write_all(in_w.get(), input);
    in_w.reset();
    PluginOutput result;
    char buf[16384];
    while (out_r || err_r) {
        struct pollfd p[2] = {{out_r ? out_r.get() : -1, POLLIN, 0}, {err_r ? err_r.get() : -1, POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (!p[i].revents) continue;
            UniqueFd& fd = i == 0 ? out_r : err_r;
            ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fd.reset();
                continue;
            }
            (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
        }
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) throw_errno("wait for CNI plugin " + path);
    result.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return result;
}

}  // namespace

const std::vector<std::string>& cni_plugin_dirs() {
    static const std::vector<std::string> dirs = {"/usr/lib/cni", "/opt/cni/bin"};
    return dirs;
}

json cni_invoke(const std::string& command, const json& conf, const CniTarget& target) {
    std::string type = conf.value("type", "");
    std::string path = find_plugin(type);
    // PATH: the iptables-based plugins (bridge ipMasq, portmap, firewall) run iptables.
    std::vector<std::string> env = {"CNI_COMMAND=" + command,
                                    "CNI_CONTAINERID=" + target.container_id,
                                    "CNI_NETNS=" + target.netns,
                                    "CNI_IFNAME=" + target.ifname,
                                    "CNI_ARGS=" + target.args,
                                    "CNI_PATH=" + joined_plugin_path(),
                                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
    PluginOutput r = exec_plugin(path, env, conf.dump());
    json answer;
    if (!r.out.empty()) {
        try {
            answer = json::parse(r.out);
        } catch (const json::exception&) {
            if (r.status == 0) throw Error("CNI plugin " + type + " " + command + ": unparsable result: " + r.out);
        }
    }
    if (r.status != 0) {
        std::string msg = answer.is_object() ? answer.value("msg", "") : "";
        std::string details = answer.is_object() ? answer.value("details", "") : "";
        if (msg.empty()) msg = !r.err.empty() ? r.err : !r.out.empty() ? r.out : "exit status " + std::to_string(r.status);
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        if (!details.empty()) msg += ": " + details;
        throw Error("plugin type=\"" + type + "\" failed (" + command + "): " + msg);
    }
    return answer;
}

json cni_plugin_conf(const json& conflist, const json& plugin, const json& runtime_config, const json& prev_result) {
    json conf = plugin;
    conf["name"] = conflist.at("name");
    conf["cniVersion"] = conflist.at("cniVersion");
    if (!prev_result.is_null()) conf["prevResult"] = prev_result;
    json rc = json::object();
    if (auto caps = plugin.find("capabilities"); caps != plugin.end() && caps->is_object())
        for (const auto& [cap, on] : caps->items())
            if (on == true && runtime_config.is_object() && runtime_config.contains(cap)) rc[cap] = runtime_config[cap];
    if (!rc.empty()) conf["runtimeConfig"] = rc;
    return conf;
}

json cni_add_list(const json& conflist, const CniTarget& target, const json& runtime_config) {
    const json& plugins = conflist.at("plugins");
    json result;
    for (size_t i = 0; i < plugins.size(); ++i) {
        try {
            result = cni_invoke("ADD", cni_plugin_conf(conflist, plugins[i], runtime_config, result), target);
        } catch (const Error&) {
            // Undo what the plugins before this one (and this one, partly) did.
            for (size_t j = i + 1; j-- > 0;) {
                try {
                    cni_invoke("DEL", cni_plugin_conf(conflist, plugins[j], runtime_config, result), target);
                } catch (const Error&) {
                }
            }
            throw;
        }
    }
    return result;
}

void cni_del_list(const json& conflist, const CniTarget& target, const json& runtime_config, const json& prev_result) {
    const json& plugins = conflist.at("plugins");
    std::string first_error;
    for (size_t j = plugins.size(); j-- > 0;) {
        try {
            cni_invoke("DEL", cni_plugin_conf(conflist, plugins[j], runtime_config, prev_result), target);
        } catch (const Error& e) {
            if (first_error.empty()) first_error = e.what();
        }
    }
    if (!first_error.empty()) throw Error(first_error);
}

void cni_check_list(const json& conflist, const CniTarget& target, const json& runtime_config, const json& prev_result) {
    for (const auto& plugin : conflist.at("plugins"))
        cni_invoke("CHECK", cni_plugin_conf(conflist, plugin, runtime_config, prev_result), target);
}

}  // namespace wb::lite
