#include "bench/watch_latency_command.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"

namespace cp::bench {
namespace {

namespace v1 = ::customerprofile::v1;

double Quantile(std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t index = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

absl::Time TimeOf(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

}  // namespace

int WatchLatencyCommand(const WatchLatencyOptions& options) {
  if (options.ids.empty() || options.rate < 1 || options.writers < 1) {
    std::fprintf(stderr, "profile-bench watch-latency: needs ids, --rate >= 1, --writers >= 1\n");
    return 2;
  }
  auto channel = grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials());
  auto changes = v1::ChangeService::NewStub(channel);

  grpc::ClientContext watch_context;
  v1::WatchChangesRequest request;
  request.add_resource_types(v1::CHANGE_RESOURCE_TYPE_PROFILE);
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader =
      changes->WatchChanges(&watch_context, request);

  const absl::Time start = absl::Now();
  const absl::Time measure_from = start + options.warmup;
  const absl::Time end = measure_from + options.duration;
  absl::Mutex mu;
  // "name@etag" of each measured, acknowledged write, and of each change
  // seen (a change may arrive before its write's answer).
  std::set<std::string> acknowledged;
  std::set<std::string> seen;
  std::vector<double> latencies_ms;
  std::atomic<int64_t> written{0};
  std::atomic<int64_t> failed{0};
  std::atomic<bool> stop{false};

  std::thread watcher([&]() {
    v1::WatchChangesResponse message;
    while (reader->Read(&message)) {
      if (!message.has_change()) continue;
      const absl::Time arrived = absl::Now();
      const v1::Change& change = message.change();
      absl::MutexLock lock(&mu);
      const absl::Time committed = TimeOf(change.commit_time());
      if (committed < measure_from) continue;
      latencies_ms.push_back(absl::ToDoubleMilliseconds(arrived - committed));
      seen.insert(absl::StrCat(change.resource_name(), "@", change.etag()));
    }
  });

  std::vector<std::thread> writers;
  for (int w = 0; w < options.writers; ++w) {
    writers.emplace_back([&, w]() {
      auto profiles = v1::ProfileService::NewStub(channel);
      std::mt19937_64 random(static_cast<uint64_t>(w) * 7919 + 1);
      const absl::Duration interval = absl::Seconds(1) * options.writers / options.rate;
      absl::Time next = start + absl::Seconds(1) * w / options.rate;
      int64_t counter = 0;
      // Open loop: a writer that falls behind its schedule skips the calls
      // it missed instead of sending them late, and stops at `end`.
      while (!stop.load()) {
        absl::Time now = absl::Now();
        if (now >= end) break;
        if (next > now) absl::SleepFor(next - now);
        while (next <= absl::Now()) next += interval;
        v1::UpdateProfileRequest update;
        const std::string& id = options.ids[random() % options.ids.size()];
        update.mutable_profile()->set_name(absl::StrCat("profiles/", id));
        (*update.mutable_profile()->mutable_attributes())["watch_bench"].set_int64_value(
            ++counter * options.writers + w);
        update.mutable_update_mask()->add_paths("attributes.watch_bench");
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        v1::Profile updated;
        const absl::Time sent = absl::Now();
        grpc::Status status = profiles->UpdateProfile(&context, update, &updated);
        if (!status.ok()) {
          ++failed;
          continue;
        }
        if (sent >= measure_from) {
          ++written;
          absl::MutexLock lock(&mu);
          acknowledged.insert(absl::StrCat(updated.name(), "@", updated.etag()));
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  const absl::Duration measured = absl::Now() - measure_from;
  // What was written arrives within five seconds or it is counted missing.
  auto missing = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    size_t count = 0;
    for (const std::string& write : acknowledged) count += seen.count(write) == 0 ? 1 : 0;
    return count;
  };
  absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (absl::Now() < give_up) {
    {
      absl::MutexLock lock(&mu);
      if (missing() == 0) break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  watch_context.TryCancel();
  watcher.join();
  reader->Finish().IgnoreError();

  absl::MutexLock lock(&mu);
  const size_t never_arrived = missing();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double seconds = absl::ToDoubleSeconds(measured);
  const double rate = static_cast<double>(written.load()) / seconds;
  const double p50 = Quantile(latencies_ms, 0.50);
  const double p99 = Quantile(latencies_ms, 0.99);
  const double max = latencies_ms.empty() ? 0 : latencies_ms.back();
  std::printf(
      "watch-latency: %lld UpdateProfile written in %.0f s (%.0f/s, %lld failed), %zu changes "
      "delivered, %zu acknowledged writes never arrived; commit -> delivery p50 %.2f ms, p99 "
      "%.2f ms, max %.2f ms\n",
      static_cast<long long>(written.load()), seconds, rate, static_cast<long long>(failed.load()),
      latencies_ms.size(), never_arrived, p50, p99, max);
  std::printf(
      "RESULT rpc=watch-latency rate=%.0f written=%lld delivered=%zu missing=%zu failed=%lld "
      "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      rate, static_cast<long long>(written.load()), latencies_ms.size(), never_arrived,
      static_cast<long long>(failed.load()), p50, p99, max);
  return failed.load() > 0 || never_arrived > 0 ? 1 : 0;
}

}  // namespace cp::bench
