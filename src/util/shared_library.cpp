#include "util/shared_library.hpp"

#include <dlfcn.h>

#include <utility>

#include "util/error.hpp"

namespace wb {

SharedLibrary::SharedLibrary(const char* name, std::string unavailable)
    : name_(name), unavailable_(std::move(unavailable)), handle_(::dlopen(name, RTLD_NOW | RTLD_LOCAL)) {
    if (!handle_) {
        const char* why = ::dlerror();
        throw Error(unavailable_ + (why ? why : name));
    }
}

void* SharedLibrary::find(const char* symbol) const {
    void* found = ::dlsym(handle_, symbol);
    if (!found) throw Error(unavailable_ + name_ + " has no " + symbol);
    return found;
}

}  // namespace wb
