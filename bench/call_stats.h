#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "grpcpp/support/status.h"

namespace cp::bench {

// kStatusCodeCount is the number of canonical gRPC status codes (0..16).
inline constexpr int kStatusCodeCount = 17;

// StatusCodeName returns the canonical name of `code`, e.g. "NOT_FOUND".
const char* StatusCodeName(grpc::StatusCode code);

// CallStats counts the outcome of every measured call by status code and
// keeps the latency of every successful one. Not thread-safe: each
// in-flight slot of a run owns one, and they are merged at the end.
class CallStats {
 public:
  // Record counts one call that ended with `code` after `latency`.
  void Record(grpc::StatusCode code, std::chrono::nanoseconds latency);

  // Merge adds the calls recorded in `other`.
  void Merge(const CallStats& other);

  int64_t count(grpc::StatusCode code) const { return counts_[static_cast<int>(code)]; }
  int64_t total() const;

  // ok_latencies_ns returns the latency of each OK call, in recording order.
  const std::vector<int64_t>& ok_latencies_ns() const { return ok_latencies_ns_; }

 private:
  std::array<int64_t, kStatusCodeCount> counts_{};
  std::vector<int64_t> ok_latencies_ns_;
};

// LatencySummary holds latency quantiles of the OK calls, in milliseconds.
struct LatencySummary {
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// SummarizeLatency returns the nearest-rank quantiles of the OK calls'
// latencies (all zero when there were none).
LatencySummary SummarizeLatency(const CallStats& stats);

// FormatCodes returns the non-zero counts as "{OK:123,NOT_FOUND:2}"; with
// `skip_ok`, OK is left out ("{}" when nothing else occurred).
std::string FormatCodes(const CallStats& stats, bool skip_ok);

}  // namespace cp::bench
