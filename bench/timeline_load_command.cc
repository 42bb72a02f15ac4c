#include "bench/timeline_load_command.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_interaction.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"

namespace cp::bench {
namespace {

namespace v1 = ::customerprofile::v1;

// Part records `total` interactions, `batch` per call from `concurrency`
// threads; item(i, request) fills the i-th.
struct PartResult {
  int64_t recorded = 0;
  int64_t failed = 0;
  absl::Duration elapsed;
};

template <typename Fill>
PartResult RunPart(const std::shared_ptr<grpc::Channel>& channel, int64_t total, int batch,
                   int concurrency, Fill fill) {
  const int64_t calls = (total + batch - 1) / batch;
  std::atomic<int64_t> next{0}, recorded{0}, failed{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      auto stub = v1::InteractionService::NewStub(channel);
      for (int64_t call = next++; call < calls; call = next++) {
        v1::BatchRecordInteractionsRequest request;
        for (int64_t i = call * batch; i < std::min(total, (call + 1) * batch); ++i) {
          fill(i, request.add_requests());
        }
        v1::BatchRecordInteractionsResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
        grpc::Status status = stub->BatchRecordInteractions(&context, request, &response);
        if (!status.ok()) {
          if (failed.fetch_add(request.requests_size()) == 0) {
            std::fprintf(stderr, "profile-bench timeline-load: %s\n",
                         status.error_message().c_str());
          }
          continue;
        }
        for (const v1::RecordInteractionResult& result : response.results()) {
          if (result.has_interaction()) {
            ++recorded;
          } else if (failed++ == 0) {
            std::fprintf(stderr, "profile-bench timeline-load: an item failed: %s\n",
                         result.error().message().c_str());
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return {recorded.load(), failed.load(), absl::Now() - start};
}

void Report(const char* part, const PartResult& result) {
  const double seconds = absl::ToDoubleSeconds(result.elapsed);
  const double rate = seconds > 0 ? static_cast<double>(result.recorded) / seconds : 0;
  std::printf("timeline-load %s: %lld interactions in %.1f s = %.0f/s (%lld failed)\n", part,
              static_cast<long long>(result.recorded), seconds, rate,
              static_cast<long long>(result.failed));
  std::printf(
      "RESULT rpc=batch-record part=%s interactions=%lld seconds=%.2f per_s=%.0f "
      "failed=%lld\n",
      part, static_cast<long long>(result.recorded), seconds, rate,
      static_cast<long long>(result.failed));
  std::fflush(stdout);
}

}  // namespace

int TimelineLoadCommand(const TimelineLoadOptions& options) {
  if (options.target.empty() || options.ids.empty() || options.per_profile < 0 ||
      options.batch < 1 || options.batch > 1000 || options.concurrency < 1) {
    std::fprintf(stderr,
                 "profile-bench timeline-load: needs --target, known profiles (--ids-file or "
                 "--count), --per-profile >= 0, 1 <= --batch <= 1000, --concurrency >= 1\n");
    return 2;
  }
  auto channel = grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials());
  const std::string tag = absl::StrCat("b", absl::ToUnixMillis(absl::Now()));
  bool ok = true;

  const int64_t per = options.per_profile;
  PartResult spread =
      RunPart(channel, static_cast<int64_t>(options.ids.size()) * per, options.batch,
              options.concurrency, [&](int64_t i, v1::RecordInteractionRequest* item) {
                const int64_t profile = i / per;
                item->set_parent(absl::StrCat("profiles/", options.ids[profile]));
                *item->mutable_interaction() = MakeBenchInteraction(profile + 1, i % per, tag);
              });
  Report("spread", spread);
  ok = ok && spread.failed == 0;

  if (!options.big_profile.empty() && options.big_count > 0) {
    auto profiles = v1::ProfileService::NewStub(channel);
    v1::CreateProfileRequest create;
    create.set_profile_id(options.big_profile);
    create.mutable_profile()->set_given_name("Busy");
    create.mutable_profile()->set_family_name("Customer");
    v1::Profile created;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = profiles->CreateProfile(&context, create, &created);
    if (!status.ok() && status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      std::fprintf(stderr, "profile-bench timeline-load: CreateProfile %s: %s\n",
                   options.big_profile.c_str(), status.error_message().c_str());
      return 1;
    }
    const std::string parent = absl::StrCat("profiles/", options.big_profile);
    // One writer: the calls of one profile serialise on its insights row.
    PartResult big = RunPart(channel, options.big_count, options.batch, 1,
                             [&](int64_t i, v1::RecordInteractionRequest* item) {
                               item->set_parent(parent);
                               *item->mutable_interaction() = MakeBenchInteraction(0, i, tag);
                             });
    Report("one-profile", big);
    ok = ok && big.failed == 0;
  }
  return ok ? 0 : 1;
}

}  // namespace cp::bench
