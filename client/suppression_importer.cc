#include "client/suppression_importer.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/channel.h"
#include "client/error_details.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"

namespace cp::client {

namespace v1 = ::customerprofile::v1;

absl::StatusOr<v1::ImportSuppressionEntriesResponse> ImportRegister(
    const Options& connection, const ImportRegisterOptions& options, std::istream& file) {
  if (options.list.empty()) return absl::InvalidArgumentError("a suppression list is required");
  if (options.chunk < 1) return absl::InvalidArgumentError("chunk must be at least 1");
  auto stub = v1::SuppressionService::NewStub(MakeChannel(connection));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + connection.timeout));
  for (const auto& [key, value] : connection.metadata) context.AddMetadata(key, value);

  v1::ImportSuppressionEntriesResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportSuppressionEntriesRequest>> writer =
      stub->ImportSuppressionEntries(&context, &response);
  v1::ImportSuppressionEntriesRequest request;
  request.set_suppression_list(absl::StartsWith(options.list, "suppressionLists/")
                                   ? options.list
                                   : absl::StrCat("suppressionLists/", options.list));
  request.set_mode(options.mode);
  std::string line;
  bool open = true;
  const absl::Time start = absl::Now();
  ImportProgress progress;
  while (open && std::getline(file, line)) {
    ++progress.lines;
    progress.bytes += static_cast<int64_t>(line.size()) + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    request.add_lines(std::move(line));
    if (request.lines_size() >= options.chunk) {
      open = writer->Write(request);
      request.Clear();
      if (options.progress) {
        progress.recorded = progress.lines;
        progress.elapsed = absl::Now() - start;
        options.progress(progress);
      }
    }
  }
  // The last (or only) message; the first one names the list even when the
  // file is empty.
  if (open && (request.lines_size() > 0 || !request.suppression_list().empty())) {
    writer->Write(request);
  }
  if (file.bad()) {
    context.TryCancel();
    writer->Finish();
    return absl::DataLossError("reading the register file failed; nothing was imported");
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace cp::client
