#include "client/interaction_importer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/error_details.h"
#include "google/protobuf/util/json_util.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

// StatusOf is an item's google.rpc.Status as an absl::Status with its
// details, as FromGrpcStatus gives a failed call's.
absl::Status StatusOf(const google::rpc::Status& rpc) {
  grpc::Status call(static_cast<grpc::StatusCode>(rpc.code()), rpc.message(),
                    rpc.SerializeAsString());
  return FromGrpcStatus(call);
}

}  // namespace

ImportSummary ImportInteractions(InteractionClient& client, std::istream& file,
                                 const ImportInteractionsOptions& options) {
  const int batch_size = std::clamp(options.batch, 1, 1000);
  const absl::Time start = absl::Now();
  ImportSummary summary;
  ImportProgress progress;
  v1::BatchRecordInteractionsRequest batch;
  std::vector<int64_t> batch_lines;
  auto flush = [&]() -> bool {
    if (batch.requests().empty()) return true;
    absl::StatusOr<v1::BatchRecordInteractionsResponse> response =
        client.BatchRecordInteractions(batch);
    if (!response.ok()) {
      summary.stopped = response.status();
      for (int64_t line : batch_lines) summary.failures.push_back({line, response.status()});
      progress.failed += static_cast<int64_t>(batch_lines.size());
    } else {
      for (int i = 0; i < static_cast<int>(batch_lines.size()); ++i) {
        if (i < response->results_size() && response->results(i).has_interaction()) {
          ++summary.recorded;
          ++progress.recorded;
        } else {
          absl::Status status =
              i < response->results_size()
                  ? StatusOf(response->results(i).error())
                  : absl::InternalError("the server answered fewer results than it was sent");
          summary.failures.push_back({batch_lines[i], std::move(status)});
          ++progress.failed;
        }
      }
    }
    batch.clear_requests();
    batch_lines.clear();
    progress.elapsed = absl::Now() - start;
    if (options.progress) options.progress(progress);
    return response.ok();
  };

  std::string line;
  int64_t number = 0;
  google::protobuf::util::JsonParseOptions parse;
  while (std::getline(file, line)) {
    ++number;
    progress.bytes += static_cast<int64_t>(line.size()) + 1;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    ++summary.lines;
    ++progress.lines;
    v1::RecordInteractionRequest request;
    auto parsed = google::protobuf::util::JsonStringToMessage(line, &request, parse);
    if (!parsed.ok()) {
      summary.failures.push_back({number, absl::InvalidArgumentError(absl::StrCat(
                                              "not a RecordInteractionRequest in JSON: ",
                                              std::string(parsed.message())))});
      ++progress.failed;
      continue;
    }
    *batch.add_requests() = std::move(request);
    batch_lines.push_back(number);
    if (batch.requests_size() >= batch_size && !flush()) return summary;
  }
  flush();
  std::sort(summary.failures.begin(), summary.failures.end(),
            [](const ImportFailure& a, const ImportFailure& b) { return a.line < b.line; });
  return summary;
}

}  // namespace cp::client
