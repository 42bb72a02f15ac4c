#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/interaction_client.h"

namespace cp::client {

// ImportProgress is how far an import is, for a progress display.
struct ImportProgress {
  int64_t lines = 0;     // lines read so far
  int64_t recorded = 0;  // interactions recorded (or replayed) so far
  int64_t failed = 0;    // lines that failed so far
  int64_t bytes = 0;     // bytes read so far
  absl::Duration elapsed;
};

// ImportFailure is one line that was not recorded.
struct ImportFailure {
  int64_t line = 0;  // 1-based
  absl::Status status;
};

// ImportSummary is what an import did.
struct ImportSummary {
  int64_t lines = 0;     // non-blank lines read
  int64_t recorded = 0;  // lines whose interaction is recorded (a replay too)
  // Every failed line, in line order: unparsable JSON, or the item's error.
  std::vector<ImportFailure> failures;
  // Set when a whole batch failed (the server unreachable after the
  // client's retries, permission denied, ...): the import stopped there and
  // the lines after `lines` were not read.
  absl::Status stopped;
};

// ImportInteractionsOptions configures ImportInteractions.
struct ImportInteractionsOptions {
  // Lines per BatchRecordInteractions call (1..1000).
  int batch = 500;
  // Called after every batch (may be empty).
  std::function<void(const ImportProgress&)> progress;
};

// ImportInteractions reads `file`, one RecordInteractionRequest as JSON a
// line ({"parent": "profiles/ada", "interaction": {...}}; blank lines are
// skipped), and records them with BatchRecordInteractions, a batch at a
// time, as it reads. Each line succeeds or fails on its own. A batch whose
// every line has an external_ref is retried by the client after
// UNAVAILABLE, and running a whole import again is safe for such lines: the
// server answers them as replays.
ImportSummary ImportInteractions(InteractionClient& client, std::istream& file,
                                 const ImportInteractionsOptions& options);

}  // namespace cp::client
