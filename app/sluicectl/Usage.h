#pragma once

#include "CommandLine.h"

namespace sluice::cli {

// sluicectl's commands, options and notes: its parser, --help, man page and completions.
const ProgramSpec &sluicectlSpec();

} // namespace sluice::cli
