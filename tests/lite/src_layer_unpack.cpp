// Compiles src/lite/layer_unpack.cpp into the test binary: whalebox-lite is an executable, so its
// sources are not in libwhalebox (libarchive comes from libarchive_shim.cpp).
#include "lite/layer_unpack.cpp"  // NOLINT(bugprone-suspicious-include)
