#include "storage/sql/write_checks.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace cp::storage::sql {

absl::Status CheckRevisionMatched(int64_t matched, absl::string_view what) {
  if (matched > 0) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("the ", what, " was changed or removed meanwhile (revision mismatch)"));
}

absl::Status ExplainDuplicate(absl::Status status, absl::string_view message) {
  if (absl::IsAlreadyExists(status)) return absl::AlreadyExistsError(message);
  return status;
}

}  // namespace cp::storage::sql
