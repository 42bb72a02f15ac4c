#include "bench/call_stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace cp::bench {
namespace {

constexpr std::array<const char*, kStatusCodeCount> kNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

// Index maps any code onto the array, counting codes outside the canonical
// range as UNKNOWN.
int Index(grpc::StatusCode code) {
  int i = static_cast<int>(code);
  return i >= 0 && i < kStatusCodeCount ? i : static_cast<int>(grpc::StatusCode::UNKNOWN);
}

double NearestRankMs(const std::vector<int64_t>& sorted, double q) {
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

}  // namespace

const char* StatusCodeName(grpc::StatusCode code) { return kNames[Index(code)]; }

void CallStats::Record(grpc::StatusCode code, std::chrono::nanoseconds latency) {
  ++counts_[Index(code)];
  if (code == grpc::StatusCode::OK) ok_latencies_ns_.push_back(latency.count());
}

void CallStats::Merge(const CallStats& other) {
  for (int i = 0; i < kStatusCodeCount; ++i) counts_[i] += other.counts_[i];
  ok_latencies_ns_.insert(ok_latencies_ns_.end(), other.ok_latencies_ns_.begin(),
                          other.ok_latencies_ns_.end());
}

int64_t CallStats::total() const {
  int64_t sum = 0;
  for (int64_t n : counts_) sum += n;
  return sum;
}

LatencySummary SummarizeLatency(const CallStats& stats) {
  std::vector<int64_t> sorted = stats.ok_latencies_ns();
  if (sorted.empty()) return {};
  std::sort(sorted.begin(), sorted.end());
  return {NearestRankMs(sorted, 0.50), NearestRankMs(sorted, 0.90), NearestRankMs(sorted, 0.99),
          static_cast<double>(sorted.back()) / 1e6};
}

std::string FormatCodes(const CallStats& stats, bool skip_ok) {
  std::string out = "{";
  for (int i = 0; i < kStatusCodeCount; ++i) {
    auto code = static_cast<grpc::StatusCode>(i);
    if (stats.count(code) == 0 || (skip_ok && code == grpc::StatusCode::OK)) continue;
    absl::StrAppend(&out, out.size() > 1 ? "," : "", kNames[i], ":", stats.count(code));
  }
  return out + "}";
}

}  // namespace cp::bench
