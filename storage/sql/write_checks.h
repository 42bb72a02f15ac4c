#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cp::storage::sql {

// CheckWritable returns FAILED_PRECONDITION for a write in a read-only
// transaction, OK otherwise. Every write of every repository calls it
// before touching the database.
inline absl::Status CheckWritable(bool read_only) {
  if (read_only) return absl::FailedPreconditionError("write in a read-only transaction");
  return absl::OkStatus();
}

// CheckRevisionMatched turns the rows matched by a compare-and-set write
// (`... WHERE id = ? AND revision = ?`) into its outcome: OK when the row was
// there at the expected revision, otherwise ABORTED saying that `what` (e.g.
// "profile") was changed or removed meanwhile.
absl::Status CheckRevisionMatched(int64_t matched, absl::string_view what);

// ExplainDuplicate replaces the ALREADY_EXISTS of a duplicate key by one
// with `message` (which names the resource, never a value); any other
// status is returned as it is.
absl::Status ExplainDuplicate(absl::Status status, absl::string_view message);

}  // namespace cp::storage::sql
