#include "storage/sql/merge_rows.h"

namespace cp::storage::sql {

absl::StatusOr<MergeRecord> DecodeMerge(const SqlRow& row) {
  MergeRecord record;
  record.survivor_id = row.GetString(0);
  record.merge_id = row.GetString(1);
  record.applied = row.GetInt64(2) != 0;
  record.create_time = absl::FromUnixMicros(row.GetInt64(3));
  if (!record.merge.ParseFromString(row.GetString(4))) {
    return absl::DataLossError("a stored merge cannot be parsed");
  }
  return record;
}

}  // namespace cp::storage::sql
