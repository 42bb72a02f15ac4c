#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace cp::bench {

// WatchLatencyOptions configures `profile-bench watch-latency`.
struct WatchLatencyOptions {
  // host:port of the server.
  std::string target;
  // The known profiles (as `profile-bench load` wrote them).
  std::vector<std::string> ids;
  // UpdateProfile calls a second, spread evenly (an open loop).
  int rate = 1000;
  // Writer threads the calls are spread over.
  int writers = 8;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
};

// WatchLatencyCommand opens a WatchChanges stream (profiles only) and, while
// it reads, writes `rate` blind UpdateProfile calls a second for warmup +
// duration. For each change of the measured part it takes the time from its
// commit_time (the write's transaction time, on the server's clock: same
// machine) to its arrival, and prints the quantiles, the achieved write rate
// and whether every acknowledged write arrived, and one line:
//   RESULT rpc=watch-latency rate=R written=N delivered=M p50_ms=A p99_ms=B max_ms=C
// Returns 0, 1 when writes failed or an acknowledged one never arrived.
int WatchLatencyCommand(const WatchLatencyOptions& options);

}  // namespace cp::bench
