// A shared library opened with dlopen the first time a command needs it and never closed
// (its functions may be called until the process exits), so a command that does not need
// it never loads it nor what it pulls in. Used for libsystemd (the systemd cgroup driver),
// libnftables (whalebox-lite's masquerade rule) and libarchive (whalebox-lite's images).
#pragma once
#include <string>

namespace wb {

class SharedLibrary {
public:
    // Opens name (RTLD_NOW | RTLD_LOCAL). Throws Error(unavailable + dlerror()'s text).
    SharedLibrary(const char* name, std::string unavailable);

    // Points out at the library's function symbol. Throws Error(unavailable + "NAME has no
    // SYMBOL") when it lacks it.
    template <class Function>
    void resolve(const char* symbol, Function*& out) const {
        out = reinterpret_cast<Function*>(find(symbol));
    }

private:
    void* find(const char* symbol) const;

    const char* name_;
    std::string unavailable_;
    void* handle_;
};

}  // namespace wb
