#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/operation.h"

namespace cp::bench {

// RunOptions configures `profile-bench run`.
struct RunOptions {
  // host:port of the server.
  std::string target;
  // The RPCs to measure, one after the other, against the same server.
  std::vector<Rpc> rpcs;
  UpdateMode update_mode = UpdateMode::kBlind;
  // Calls kept in flight.
  int concurrency = 16;
  // Channels (one HTTP/2 connection each) the calls are spread over.
  int channels = 1;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  // Profiles per batch-check call; its RESULT line also gives checks/s.
  int batch_size = 1000;
  // The profile list-timeline-big reads.
  std::string big_profile;
  // The deadline of every RPC.
  absl::Duration timeout = absl::Seconds(5);
  // The known profiles: read from ids_file when set, else id_prefix with
  // indexes 1..count (as `profile-bench load` writes them).
  std::string ids_file;
  std::string id_prefix;
  int64_t count = 0;
  // A run whose failed share is above this exits non-zero.
  double max_error_rate = 0.01;
  // The server's process id, when it runs on this machine: its CPU time per
  // call is reported too (0: not reported).
  int server_pid = 0;
  // The same for the database server (MariaDB), when there is one.
  int database_pid = 0;
};

// RunCommand measures each RPC of `options` in turn and prints, per RPC, a
// human-readable block and one machine-readable line:
//   RESULT rpc=get concurrency=16 ... qps=... p50_ms=... p90_ms=... p99_ms=...
//   max_ms=... ok=N aborted=N errors=N codes={OK:N,...} client_cpu_us=...
//   server_cpu_us=... db_cpu_us=... other_cpu_pct=...
// qps counts OK calls only, and latencies are those of OK calls; an error is
// never counted as a success. client_cpu_us, server_cpu_us and db_cpu_us
// are the CPU time each process spent per completed call during the window
// ("-" for a process without a pid); other_cpu_pct is the share of the machine's CPUs that other
// processes used meanwhile, which says how quiet the machine was. ABORTED is expected (and not a
// failure) only for etag updates. Returns the process exit code: 0, or 1 when a run failed more
// than max_error_rate of its calls or completed none, or 2 on bad options or an unreachable target.
int RunCommand(const RunOptions& options);

}  // namespace cp::bench
