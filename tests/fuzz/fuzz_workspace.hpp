// A scratch directory for the targets that write files (layer tars, image archives).
// Where the process may (root), it gets a private mount namespace with a tmpfs on the
// directory, so the many small writes stay in memory and vanish with the process, and it
// drops CAP_MKNOD, so a fuzzed tar cannot make a device node of the host's disks.
// Each input gets BASE/work (what the code under test may write) and BASE/outside, an
// empty directory that seeds point symlinks at: anything new in BASE but work, or
// anything in outside, is a write that escaped the directory and aborts (a finding).
#pragma once
#include <dirent.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "lite/common.hpp"

namespace wb::fuzz {

class Workspace {
public:
    Workspace() {
        char tmpl[] = "/tmp/whalebox-fuzz-XXXXXX";
        if (!::mkdtemp(tmpl)) std::abort();
        base_ = tmpl;
        if (::unshare(CLONE_NEWNS) == 0 && ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
            ::mount("tmpfs", base_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=512m,mode=0700") == 0)
            tmpfs_ = true;
        drop_mknod();
        FUZZ_CHECK(::mkdir(outside().c_str(), 0755) == 0, "mkdir outside");
    }
    ~Workspace() {
        clear();
        ::rmdir(outside().c_str());
        if (tmpfs_) ::umount2(base_.c_str(), MNT_DETACH);
        ::rmdir(base_.c_str());
    }
    std::string work() const { return base_ + "/work"; }
    std::string outside() const { return base_ + "/outside"; }

    // A fresh, empty work directory.
    std::string fresh() {
        clear();
        FUZZ_CHECK(::mkdir(work().c_str(), 0755) == 0, "mkdir work");
        return work();
    }

    // Aborts when anything was written outside work(); then removes work().
    void check_and_clear() {
        for (const auto& name : entries(base_))
            FUZZ_CHECK(name == "work" || name == "outside", ("escaped write: " + base_ + "/" + name).c_str());
        FUZZ_CHECK(entries(outside()).empty(), "escaped write into the outside directory");
        clear();
    }

private:
    static void drop_mknod() {
        cap_t caps = cap_get_proc();
        if (!caps) return;
        cap_value_t v = CAP_MKNOD;
        cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
        cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR);
        (void)cap_set_proc(caps);
        cap_free(caps);
    }
    static std::vector<std::string> entries(const std::string& dir) {
        std::vector<std::string> out;
        DIR* d = ::opendir(dir.c_str());
        if (!d) return out;
        while (auto* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") out.push_back(n);
        }
        ::closedir(d);
        return out;
    }
    void clear() {
        struct stat st {};
        if (::lstat(work().c_str(), &st) != 0) return;
        try {
            lite::remove_tree_same_fs(work());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cannot clear %s: %s\n", work().c_str(), e.what());
            std::abort();
        }
    }

    std::string base_;
    bool tmpfs_ = false;
};

}  // namespace wb::fuzz
