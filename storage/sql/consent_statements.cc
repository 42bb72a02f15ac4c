#include "storage/sql/consent_statements.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "storage/sql/in_list.h"

namespace cp::storage::sql {

SqlFragment RenderConsentEventQuery(const ConsentEventQuery& query) {
  SqlFragment fragment;
  fragment.sql =
      "SELECT profile_id, event_id, sequence, purpose_id, channel, contact_point, occur_time, "
      "data FROM consent_events WHERE profile_id ";
  if (query.merged_profile_ids.empty()) {
    absl::StrAppend(&fragment.sql, "= ?");
  } else {
    absl::StrAppend(&fragment.sql, "IN (", Placeholders(1 + query.merged_profile_ids.size()), ")");
  }
  fragment.params.push_back(query.profile_id);
  for (const std::string& id : query.merged_profile_ids) fragment.params.push_back(id);
  if (!query.purpose_id.empty()) {
    absl::StrAppend(&fragment.sql, " AND purpose_id = ?");
    fragment.params.push_back(query.purpose_id);
  }
  if (query.channel != customerprofile::v1::CHANNEL_UNSPECIFIED) {
    absl::StrAppend(&fragment.sql, " AND channel = ?");
    fragment.params.push_back(int64_t{query.channel});
  }
  if (query.after.has_value()) {
    absl::StrAppend(&fragment.sql, " AND (occur_time < ? OR (occur_time = ? AND sequence < ?))");
    int64_t after_time = absl::ToUnixMicros(query.after->first);
    fragment.params.push_back(after_time);
    fragment.params.push_back(after_time);
    fragment.params.push_back(query.after->second);
  }
  absl::StrAppend(&fragment.sql, " ORDER BY occur_time DESC, sequence DESC LIMIT ?");
  fragment.params.push_back(int64_t{query.limit});
  return fragment;
}

}  // namespace cp::storage::sql
