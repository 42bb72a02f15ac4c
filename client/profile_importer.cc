#include "client/profile_importer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

// LineRequestId is a request id derived from a line's text (FNV-1a, 64
// bits, and the length): the same line always gets the same one.
std::string LineRequestId(absl::string_view line) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : line) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("import-%016x-%d", hash, line.size());
}

// ParseLine reads a CreateProfileRequest, or an exported Profile as one.
absl::StatusOr<v1::CreateProfileRequest> ParseLine(const std::string& line) {
  v1::CreateProfileRequest request;
  if (google::protobuf::util::JsonStringToMessage(line, &request).ok()) return request;
  v1::Profile profile;
  auto parsed = google::protobuf::util::JsonStringToMessage(line, &profile);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "neither a CreateProfileRequest nor a Profile in JSON: ", std::string(parsed.message())));
  }
  request.Clear();
  if (absl::StartsWith(profile.name(), "profiles/")) {
    request.set_profile_id(profile.name().substr(std::string("profiles/").size()));
  }
  // What the server computes is not sent back to it.
  profile.clear_name();
  profile.clear_etag();
  profile.clear_create_time();
  profile.clear_update_time();
  profile.clear_delete_time();
  profile.clear_state();
  profile.clear_merged_into();
  profile.clear_provenance();
  profile.clear_insights();
  *request.mutable_profile() = std::move(profile);
  return request;
}

}  // namespace

ImportSummary ImportProfiles(ProfileClient& client, std::istream& file,
                             const ImportProfilesOptions& options) {
  const int batch_size = std::max(options.batch, 1);
  const int concurrency = std::max(options.concurrency, 1);
  const absl::Time start = absl::Now();
  ImportSummary summary;
  ImportProgress progress;
  std::vector<std::pair<int64_t, v1::CreateProfileRequest>> batch;

  // Flush makes the batch's calls, `concurrency` at a time; false when one
  // failed so that retrying cannot help (the server is gone, access denied):
  // the import stops.
  auto flush = [&]() -> bool {
    absl::Mutex mu;
    size_t next = 0;
    std::vector<std::thread> callers;
    for (int t = 0; t < concurrency && t < static_cast<int>(batch.size()); ++t) {
      callers.emplace_back([&]() {
        while (true) {
          size_t index;
          {
            absl::MutexLock lock(&mu);
            if (next == batch.size() || !summary.stopped.ok()) return;
            index = next++;
          }
          absl::StatusOr<v1::Profile> created = client.CreateProfile(batch[index].second);
          absl::MutexLock lock(&mu);
          if (created.ok()) {
            ++summary.recorded;
            ++progress.recorded;
            continue;
          }
          summary.failures.push_back({batch[index].first, created.status()});
          ++progress.failed;
          const absl::StatusCode code = created.status().code();
          if (code == absl::StatusCode::kUnavailable ||
              code == absl::StatusCode::kUnauthenticated ||
              code == absl::StatusCode::kPermissionDenied) {
            summary.stopped = created.status();
          }
        }
      });
    }
    for (std::thread& caller : callers) caller.join();
    batch.clear();
    progress.elapsed = absl::Now() - start;
    if (options.progress) options.progress(progress);
    return summary.stopped.ok();
  };

  std::string line;
  int64_t number = 0;
  while (std::getline(file, line)) {
    ++number;
    progress.bytes += static_cast<int64_t>(line.size()) + 1;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    ++summary.lines;
    ++progress.lines;
    absl::StatusOr<v1::CreateProfileRequest> request = ParseLine(line);
    if (!request.ok()) {
      summary.failures.push_back({number, request.status()});
      ++progress.failed;
      continue;
    }
    if (request->request_id().empty()) request->set_request_id(LineRequestId(line));
    batch.emplace_back(number, *std::move(request));
    if (static_cast<int>(batch.size()) >= batch_size && !flush()) break;
  }
  if (summary.stopped.ok()) flush();
  std::sort(summary.failures.begin(), summary.failures.end(),
            [](const ImportFailure& a, const ImportFailure& b) { return a.line < b.line; });
  return summary;
}

absl::StatusOr<int64_t> ExportProfiles(ProfileClient& client, std::ostream& out,
                                       const ExportProfilesOptions& options) {
  const absl::Time start = absl::Now();
  ExportProgress progress;
  v1::ListProfilesRequest request;
  request.set_page_size(options.page_size);
  request.set_filter(options.filter);
  request.set_show_deleted(options.show_deleted);
  google::protobuf::util::JsonPrintOptions print;
  while (true) {
    absl::StatusOr<v1::ListProfilesResponse> page = client.ListProfiles(request);
    if (!page.ok()) return page.status();
    for (const v1::Profile& profile : page->profiles()) {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(profile, &json, print).ok()) {
        return absl::InternalError("a profile could not be printed as JSON");
      }
      out << json << "\n";
      ++progress.profiles;
    }
    out.flush();
    progress.elapsed = absl::Now() - start;
    if (options.progress) options.progress(progress);
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return progress.profiles;
}

}  // namespace cp::client
