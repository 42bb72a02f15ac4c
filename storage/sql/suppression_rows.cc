#include "storage/sql/suppression_rows.h"

#include "absl/time/time.h"

namespace cp::storage::sql {

SuppressionListRecord DecodeSuppressionList(const SqlRow& row) {
  SuppressionListRecord record;
  record.id = row.GetString(0);
  record.revision = row.GetInt64(1);
  record.display_name = row.GetString(2);
  record.source = row.GetString(3);
  record.identifier_kind = static_cast<customerprofile::v1::IdentifierKind>(row.GetInt64(4));
  record.channels = ChannelsOf(row.GetInt64(5));
  record.generation = row.GetInt64(6);
  record.entry_count = row.GetInt64(7);
  record.create_time = absl::FromUnixMicros(row.GetInt64(8));
  record.update_time = absl::FromUnixMicros(row.GetInt64(9));
  return record;
}

GenerationRecord DecodeGeneration(const SqlRow& row) {
  GenerationRecord record;
  record.generation = row.GetInt64(0);
  record.list_id = row.GetString(1);
  record.state = static_cast<GenerationState>(row.GetInt64(2));
  record.update_time = absl::FromUnixMicros(row.GetInt64(3));
  return record;
}

SuppressionMatch DecodeMatch(const SqlRow& row) {
  SuppressionMatch match;
  match.list_id = row.GetString(0);
  match.identifier = row.GetString(1);
  match.channels = ChannelsOf(row.GetInt64(2));
  return match;
}

}  // namespace cp::storage::sql
