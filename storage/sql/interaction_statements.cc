#include "storage/sql/interaction_statements.h"

#include "absl/strings/str_cat.h"

namespace cp::storage::sql {

SqlFragment RenderInteractionListQuery(const InteractionListQuery& query) {
  SqlFragment out;
  out.sql =
      "SELECT id, profile_id, origin_profile_id, occur_time, create_time, data FROM interactions";
  bool first = true;
  auto next_condition = [&] {
    out.sql += first ? " WHERE " : " AND ";
    first = false;
  };
  if (!query.profile_id.empty()) {
    next_condition();
    out.sql += "profile_id = ?";
    out.params.emplace_back(query.profile_id);
  }
  if (query.filter.has_value()) {
    next_condition();
    RenderFilter(*query.filter, &out);
  }
  const absl::string_view direction = query.descending ? "<" : ">";
  if (query.after.has_value()) {
    next_condition();
    // As in RenderProfileListQuery: the first conjunct is an index range.
    const int64_t micros = absl::ToUnixMicros(query.after->occur_time);
    absl::StrAppend(&out.sql, "occur_time ", query.descending ? "<=" : ">=", " ? AND (occur_time ",
                    direction, " ? OR id ", direction, " ?)");
    out.params.emplace_back(micros);
    out.params.emplace_back(micros);
    out.params.emplace_back(query.after->interaction_id);
  }
  const absl::string_view order = query.descending ? " DESC" : "";
  absl::StrAppend(&out.sql, " ORDER BY occur_time", order, ", id", order, " LIMIT ?");
  out.params.emplace_back(static_cast<int64_t>(query.limit));
  return out;
}

absl::Status ForEachChunk(size_t total,
                          absl::FunctionRef<absl::Status(size_t offset, int count)> run) {
  size_t done = 0;
  for (int chunk : {100, 10, 1}) {
    while (total - done >= static_cast<size_t>(chunk)) {
      if (absl::Status s = run(done, chunk); !s.ok()) return s;
      done += chunk;
    }
  }
  return absl::OkStatus();
}

SqlFragment RenderInsertInteractions(const InteractionRecord* records, int count) {
  SqlFragment out;
  out.sql =
      "INSERT INTO interactions (id, profile_id, origin_profile_id, occur_time, create_time, "
      "source_system, external_ref, channel, direction, kind, campaign, data) VALUES ";
  for (int i = 0; i < count; ++i) {
    const InteractionRecord& record = records[i];
    const customerprofile::v1::Interaction& interaction = record.interaction;
    out.sql += i == 0 ? "(?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?)"
                      : ", (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?)";
    out.params.emplace_back(record.interaction_id);
    out.params.emplace_back(record.profile_id);
    out.params.emplace_back(record.origin_profile_id);
    out.params.emplace_back(absl::ToUnixMicros(record.occur_time));
    out.params.emplace_back(absl::ToUnixMicros(record.create_time));
    out.params.emplace_back(interaction.source_system());
    out.params.emplace_back(interaction.external_ref());
    out.params.emplace_back(static_cast<int64_t>(interaction.channel()));
    out.params.emplace_back(static_cast<int64_t>(interaction.direction()));
    out.params.emplace_back(static_cast<int64_t>(interaction.kind()));
    out.params.emplace_back(interaction.campaign());
    out.params.emplace_back(interaction.SerializeAsString());
  }
  return out;
}

SqlFragment RenderSelectInteractionsByRefs(const std::pair<std::string, std::string>* refs,
                                           int count) {
  SqlFragment out;
  out.sql =
      "SELECT id, profile_id, origin_profile_id, occur_time, create_time, data FROM interactions "
      "WHERE ";
  for (int i = 0; i < count; ++i) {
    out.sql += i == 0 ? "(source_system = ? AND external_ref = ?)"
                      : " OR (source_system = ? AND external_ref = ?)";
    out.params.emplace_back(refs[i].first);
    out.params.emplace_back(refs[i].second);
  }
  return out;
}

SqlFragment RenderSelectInsightsStates(const std::string* profile_ids, int count) {
  SqlFragment out;
  out.sql =
      "SELECT profile_id, state FROM profile_insights WHERE state IS NOT NULL AND profile_id IN (";
  for (int i = 0; i < count; ++i) {
    out.sql += i == 0 ? "?" : ", ?";
    out.params.emplace_back(profile_ids[i]);
  }
  out.sql += ")";
  return out;
}

absl::StatusOr<InteractionRecord> DecodeInteraction(const SqlRow& row) {
  InteractionRecord record;
  record.interaction_id = row.GetString(0);
  record.profile_id = row.GetString(1);
  record.origin_profile_id = row.GetString(2);
  record.occur_time = absl::FromUnixMicros(row.GetInt64(3));
  record.create_time = absl::FromUnixMicros(row.GetInt64(4));
  if (!record.interaction.ParseFromString(row.GetString(5))) {
    return absl::DataLossError("a stored interaction cannot be parsed");
  }
  return record;
}

absl::StatusOr<StoredInsights> DecodeStoredInsights(const SqlRow& row) {
  StoredInsights stored;
  stored.profile_id = row.GetString(0);
  if (!stored.insights.ParseFromString(row.GetString(1))) {
    return absl::DataLossError("stored insights cannot be parsed");
  }
  if (!row.IsNull(2)) {
    stored.state.emplace();
    if (!stored.state->ParseFromString(row.GetString(2))) {
      return absl::DataLossError("stored insights totals cannot be parsed");
    }
  }
  return stored;
}

int64_t LastInteractionMicros(const customerprofile::v1::ProfileInsights& insights) {
  if (!insights.has_last_interaction_time()) return 0;
  const auto& time = insights.last_interaction_time();
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

}  // namespace cp::storage::sql
