// Compiles src/lite/argv_split.cpp into the test binary: whalebox-lite is an executable, so its
// sources are not in libwhalebox (libarchive comes from libarchive_shim.cpp).
#include "lite/argv_split.cpp"  // NOLINT(bugprone-suspicious-include)
