#pragma once

#include "absl/status/statusor.h"
#include "storage/merge_repository.h"
#include "storage/sql/row.h"

// How merges are stored in rows, the same for every dialect (statements in
// merge_statements.h).
namespace cp::storage::sql {

// DecodeMerge reads a row of (survivor_id, merge_id, applied, create_time,
// data); DATA_LOSS when `data` is not a serialized Merge.
absl::StatusOr<MergeRecord> DecodeMerge(const SqlRow& row);

}  // namespace cp::storage::sql
