#include "bench/bench_ids.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cp::bench {

std::string BenchProfileId(absl::string_view prefix, int64_t index) {
  return absl::StrFormat("%s%07d", prefix, index);
}

std::vector<std::string> MakeBenchIds(absl::string_view prefix, int64_t count) {
  std::vector<std::string> ids;
  ids.reserve(count);
  for (int64_t i = 1; i <= count; ++i) ids.push_back(BenchProfileId(prefix, i));
  return ids;
}

absl::StatusOr<std::vector<std::string>> ReadIdsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ids file ", path));
  std::vector<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view id = absl::StripAsciiWhitespace(line);
    if (!id.empty()) ids.emplace_back(id);
  }
  if (ids.empty()) return absl::InvalidArgumentError(absl::StrCat("no ids in ", path));
  return ids;
}

absl::Status WriteIdsFile(const std::string& path, const std::vector<std::string>& ids) {
  std::ofstream out(path, std::ios::trunc);
  for (const std::string& id : ids) out << id << '\n';
  out.flush();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ids file ", path));
  return absl::OkStatus();
}

}  // namespace cp::bench
