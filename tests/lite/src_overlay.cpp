// Compiles src/lite/overlay.cpp into the test binary: whalebox-lite is an executable, so its
// sources are not in libwhalebox (libarchive comes from libarchive_shim.cpp).
#include "lite/overlay.cpp"  // NOLINT(bugprone-suspicious-include)
