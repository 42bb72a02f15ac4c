#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cp::bench {

// TimelineLoadOptions configures `profile-bench timeline-load`.
struct TimelineLoadOptions {
  // host:port of the server.
  std::string target;
  // The known profiles (as `profile-bench load` wrote them).
  std::vector<std::string> ids;
  // Interactions recorded on each known profile.
  int per_profile = 20;
  // A profile created for the part with one long timeline ("" skips it),
  // and how many interactions it gets.
  std::string big_profile;
  int64_t big_count = 100000;
  // Interactions per BatchRecordInteractions call, and calls in flight.
  int batch = 1000;
  int concurrency = 4;
};

// TimelineLoadCommand records per_profile interactions on every known
// profile, then big_count on big_profile, with BatchRecordInteractions
// calls of `batch` items from `concurrency` threads, and prints per part a
// human-readable line and one machine-readable line:
//   RESULT rpc=batch-record part=spread interactions=N seconds=S per_s=X
// Returns 0, 1 when any item or call failed, 2 on bad options.
int TimelineLoadCommand(const TimelineLoadOptions& options);

}  // namespace cp::bench
