#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cp::bench {

// kDefaultIdPrefix starts the ids of the profiles `profile-bench load` writes.
inline constexpr absl::string_view kDefaultIdPrefix = "bench-";

// BenchProfileId returns the id of the index-th (from 1) bench profile: the
// prefix and the index padded to 7 digits, e.g. "bench-0000001".
std::string BenchProfileId(absl::string_view prefix, int64_t index);

// MakeBenchIds returns the ids of the bench profiles 1..count.
std::vector<std::string> MakeBenchIds(absl::string_view prefix, int64_t count);

// ReadIdsFile reads profile ids, one a line (blank lines skipped).
// NOT_FOUND when the file cannot be read, INVALID_ARGUMENT when it holds
// no id.
absl::StatusOr<std::vector<std::string>> ReadIdsFile(const std::string& path);

// WriteIdsFile writes `ids` to `path`, one a line.
absl::Status WriteIdsFile(const std::string& path, const std::vector<std::string>& ids);

}  // namespace cp::bench
