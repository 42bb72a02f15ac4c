#pragma once

#include <cstdint>
#include <string>

namespace cp::bench {

// ImportOptions configures `profile-bench import`.
struct ImportOptions {
  // host:port of the server.
  std::string target;
  // Register lines streamed: Norwegian mobile numbers, alternately national
  // and E.164, with every 100th line malformed.
  int64_t lines = 600000;
  // Lines per stream message.
  int chunk = 10000;
};

// ImportCommand creates a new phone-number suppression list and streams a
// generated register into it with ImportSuppressionEntries (REPLACE),
// timing from the first message to the answer; prints the counts and one
// machine-readable line:
//   RESULT rpc=import lines=... seconds=... lines_per_s=... added=... rejected=...
// Returns 0, 1 when the import failed or its counts are wrong, 2 on bad
// options.
int ImportCommand(const ImportOptions& options);

}  // namespace cp::bench
