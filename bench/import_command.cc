#include "bench/import_command.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"

namespace cp::bench {
namespace {

namespace v1 = ::customerprofile::v1;

// Line returns register line `i`: a valid Norwegian mobile number, national
// or E.164, or (every 100th) a malformed one.
std::string Line(int64_t i) {
  if (i % 100 == 99) return absl::StrCat("x", i);
  int64_t number = 40000000 + i;  // 4xxxxxxx: Norwegian mobile numbers.
  return i % 2 == 0 ? absl::StrCat(number) : absl::StrCat("+47", number);
}

}  // namespace

int ImportCommand(const ImportOptions& options) {
  if (options.target.empty() || options.lines < 1 || options.lines > 9000000 || options.chunk < 1) {
    std::fprintf(stderr,
                 "profile-bench import: needs --target, 1 <= --lines <= 9000000 and --chunk >= "
                 "1\n");
    return 2;
  }
  auto stub = v1::SuppressionService::NewStub(
      grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials()));
  std::string list_id = absl::StrCat("bench-import-", absl::ToUnixMillis(absl::Now()));

  v1::CreateSuppressionListRequest create;
  create.set_suppression_list_id(list_id);
  create.mutable_suppression_list()->set_display_name("Bench register");
  create.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_PHONE_NUMBER);
  create.mutable_suppression_list()->add_channels(v1::CHANNEL_PHONE_CALL);
  v1::SuppressionList list;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub->CreateSuppressionList(&context, create, &list);
    if (!status.ok()) {
      std::fprintf(stderr, "profile-bench import: CreateSuppressionList: %s\n",
                   status.error_message().c_str());
      return 1;
    }
  }

  // The register is built before the clock starts, as a client reading a
  // file would have it at hand.
  std::vector<v1::ImportSuppressionEntriesRequest> messages;
  for (int64_t start = 0; start < options.lines; start += options.chunk) {
    v1::ImportSuppressionEntriesRequest& request = messages.emplace_back();
    if (start == 0) {
      request.set_suppression_list(list.name());
      request.set_mode(v1::IMPORT_MODE_REPLACE);
    }
    for (int64_t i = start; i < options.lines && i < start + options.chunk; ++i) {
      request.add_lines(Line(i));
    }
  }

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  v1::ImportSuppressionEntriesResponse response;
  absl::Time begin = absl::Now();
  std::unique_ptr<grpc::ClientWriter<v1::ImportSuppressionEntriesRequest>> writer =
      stub->ImportSuppressionEntries(&context, &response);
  for (const auto& message : messages) {
    if (!writer->Write(message)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  double seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  if (!status.ok()) {
    std::fprintf(stderr, "profile-bench import: %s\n", status.error_message().c_str());
    return 1;
  }
  int64_t malformed = options.lines / 100;
  std::printf("import: %lld lines in %d-line messages, %.2f s (%.0f lines/s)\n",
              static_cast<long long>(options.lines), options.chunk, seconds,
              static_cast<double>(options.lines) / seconds);
  std::printf("  added %lld, duplicates %lld, rejected %lld, list now holds %lld\n",
              static_cast<long long>(response.added_count()),
              static_cast<long long>(response.duplicate_count()),
              static_cast<long long>(response.rejected_count()),
              static_cast<long long>(response.suppression_list().entry_count()));
  std::printf(
      "RESULT rpc=import lines=%lld seconds=%.2f lines_per_s=%.0f added=%lld rejected=%lld\n",
      static_cast<long long>(options.lines), seconds, static_cast<double>(options.lines) / seconds,
      static_cast<long long>(response.added_count()),
      static_cast<long long>(response.rejected_count()));
  std::fflush(stdout);
  if (response.rejected_count() != malformed ||
      response.added_count() != options.lines - malformed) {
    std::fprintf(stderr, "profile-bench import: expected %lld added and %lld rejected\n",
                 static_cast<long long>(options.lines - malformed),
                 static_cast<long long>(malformed));
    return 1;
  }
  return 0;
}

}  // namespace cp::bench
