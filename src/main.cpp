// whalebox: an OCI runtime with runc's command line (src/cli).
#include "cli/command.hpp"

int main(int argc, char** argv) { return wb::cli::main(argc, argv); }
