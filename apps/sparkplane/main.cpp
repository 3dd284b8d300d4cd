#include "cli/commands.hpp"

int main(int argc, char** argv) { return sparkplane::cli::Main(argc, argv); }
