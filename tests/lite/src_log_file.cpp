// Compiles src/lite/log_file.cpp into the test binary: whalebox-lite is an executable, so its
// sources are not in libwhalebox (libarchive comes from libarchive_shim.cpp).
#include "lite/log_file.cpp"  // NOLINT(bugprone-suspicious-include)
