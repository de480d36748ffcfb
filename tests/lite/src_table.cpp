// Compiles src/lite/table.cpp into the test binary (see src_common.cpp).
#include "lite/table.cpp"  // NOLINT(bugprone-suspicious-include)
