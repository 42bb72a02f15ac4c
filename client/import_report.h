#pragma once

#include <cstdint>
#include <string>

#include "client/interaction_importer.h"

namespace cp::client {

// ProgressLine is the line a terminal shows while an import runs: lines
// done, the share of the file when its size is known (total_bytes > 0),
// the rate and the time left, e.g.
//   "12,000 lines (40%), 8,400/s, ETA 0:03"
std::string ProgressLine(const ImportProgress& progress, int64_t total_bytes);

// SummaryJson is an import's outcome as JSON: {"lines", "recorded",
// "failed", "failures": [{"line", "code", "message"}...], "stopped"?}. At
// most `max_listed` failures are listed (the count is always whole).
std::string SummaryJson(const ImportSummary& summary, int max_listed = 1000);

}  // namespace cp::client
