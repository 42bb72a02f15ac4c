#include "client/import_report.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace cp::client {
namespace {

// Grouped writes n with thousands separators: 12,000.
std::string Grouped(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string CodeName(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);
  for (char& c : name) c = c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

}  // namespace

std::string ProgressLine(const ImportProgress& progress, int64_t total_bytes) {
  const double seconds = absl::ToDoubleSeconds(progress.elapsed);
  const double rate = seconds > 0 ? static_cast<double>(progress.lines) / seconds : 0;
  std::string line = absl::StrCat(Grouped(progress.lines), " lines");
  if (total_bytes > 0) {
    const double done = std::min(1.0, static_cast<double>(progress.bytes) / total_bytes);
    absl::StrAppend(&line, " (", static_cast<int>(done * 100), "%)");
    absl::StrAppend(&line, ", ", Grouped(static_cast<int64_t>(rate)), "/s");
    if (done > 0) {
      const int64_t left = static_cast<int64_t>(seconds / done - seconds + 0.5);
      absl::StrAppend(&line, absl::StrFormat(", ETA %d:%02d", left / 60, left % 60));
    }
  } else {
    absl::StrAppend(&line, ", ", Grouped(static_cast<int64_t>(rate)), "/s");
  }
  if (progress.failed > 0) absl::StrAppend(&line, ", ", Grouped(progress.failed), " failed");
  return line;
}

std::string SummaryJson(const ImportSummary& summary, int max_listed) {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  fields["lines"].set_number_value(static_cast<double>(summary.lines));
  fields["recorded"].set_number_value(static_cast<double>(summary.recorded));
  fields["failed"].set_number_value(static_cast<double>(summary.failures.size()));
  google::protobuf::ListValue* failures = fields["failures"].mutable_list_value();
  for (const ImportFailure& failure : summary.failures) {
    if (failures->values_size() >= max_listed) break;
    auto& item = *failures->add_values()->mutable_struct_value()->mutable_fields();
    item["line"].set_number_value(static_cast<double>(failure.line));
    item["code"].set_string_value(CodeName(failure.status.code()));
    item["message"].set_string_value(std::string(failure.status.message()));
  }
  if (!summary.stopped.ok()) {
    fields["stopped"].set_string_value(
        absl::StrCat(CodeName(summary.stopped.code()), ": ", summary.stopped.message()));
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(out, &json, print);
  return json;
}

}  // namespace cp::client
