// Compiles src/lite/sha256.cpp into the test binary: whalebox-lite is an executable, so its
// sources are not in libwhalebox (libarchive comes from libarchive_shim.cpp).
#include "lite/sha256.cpp"  // NOLINT(bugprone-suspicious-include)
