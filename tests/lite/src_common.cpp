// Compiles src/lite/common.cpp into the test binary: whalebox-lite is an executable, so its
// sources are not in libwhalebox (libarchive comes from libarchive_shim.cpp).
#include "lite/common.cpp"  // NOLINT(bugprone-suspicious-include)
