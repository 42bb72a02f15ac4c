#include "storage/sqlite/sqlite_transaction.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/sql/filter_sql.h"
#include "storage/sql/in_list.h"
#include "storage/sql/profile_rows.h"
#include "storage/sql/profile_statements.h"
#include "storage/sql/write_checks.h"
#include "storage/sqlite/sqlite_row.h"

namespace cp::storage {
namespace {

// BindProfileValues binds the profile values of kInsertProfile /
// kUpdateProfile to the parameters from `first` on.
void BindProfileValues(SqliteStatement& statement, int first, const ProfileRecord& record,
                       const std::string& data) {
  const customerprofile::v1::Profile& profile = record.profile;
  statement.BindInt64(first, record.revision);
  statement.BindInt64(first + 1, sql::ToMicros(profile.create_time()));
  statement.BindInt64(first + 2, sql::ToMicros(profile.update_time()));
  if (profile.has_delete_time()) {
    statement.BindInt64(first + 3, sql::ToMicros(profile.delete_time()));
  } else {
    statement.BindNull(first + 3);
  }
  statement.BindText(first + 4, profile.display_name());
  statement.BindText(first + 5, profile.region_code());
  statement.BindBlob(first + 6, data);
  // Bound as SQLITE_STATIC: a view into the record's profile.
  std::optional<absl::string_view> merged_into = sql::MergedIntoId(profile);
  if (merged_into.has_value()) {
    statement.BindText(first + 7, *merged_into);
  } else {
    statement.BindNull(first + 7);
  }
}

}  // namespace

SqliteTransaction::SqliteTransaction(SqliteConnection* connection, bool read_only,
                                     ProfileCache* cache, uint64_t ticket)
    : connection_(connection),
      read_only_(read_only),
      cache_(cache),
      ticket_(ticket),
      consents_(connection, read_only),
      suppressions_(connection, read_only),
      merges_(connection, read_only),
      interactions_(connection, read_only),
      changes_(connection, read_only) {}

absl::StatusOr<std::optional<ProfileRecord>> SqliteTransaction::GetProfile(absl::string_view id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectProfile);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  absl::StatusOr<ProfileRecord> record = sql::DecodeProfile(SqliteRow(*statement));
  if (!record.ok()) return record.status();
  if (cache_ != nullptr && read_only_) {
    cache_->Fill(ticket_, id, record->revision, statement->ColumnBlob(2));
  }
  return *std::move(record);
}

absl::Status SqliteTransaction::InsertProfile(const ProfileRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = InSavepoint([&]() -> absl::Status {
    if (absl::Status s = InsertProfileRow(record); !s.ok()) return s;
    return InsertSideRows(record);
  });
  if (status.ok()) written_profiles_.push_back(record.id);
  return status;
}

absl::Status SqliteTransaction::UpdateProfile(const ProfileRecord& record,
                                              int64_t expected_revision) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = InSavepoint([&]() -> absl::Status {
    if (absl::Status s = UpdateProfileRow(record, expected_revision); !s.ok()) return s;
    if (absl::Status s = DeleteSideRows(record.id); !s.ok()) return s;
    return InsertSideRows(record);
  });
  if (status.ok()) written_profiles_.push_back(record.id);
  return status;
}

absl::Status SqliteTransaction::InSavepoint(absl::FunctionRef<absl::Status()> write) {
  if (absl::Status s = RunStatement(*connection_, sql::kSavepoint, [](auto&) {}); !s.ok()) {
    return s;
  }
  absl::Status status = write();
  if (!status.ok()) {
    // Undo the partial write, then drop the savepoint; the transaction lives on.
    if (absl::Status s = RunStatement(*connection_, sql::kRollbackToSavepoint, [](auto&) {});
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = RunStatement(*connection_, sql::kReleaseSavepoint, [](auto&) {}); !s.ok()) {
    return s;
  }
  return status;
}

absl::Status SqliteTransaction::InsertProfileRow(const ProfileRecord& record) {
  std::string data = record.profile.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kInsertProfile, [&](SqliteStatement& s) {
    s.BindText(1, record.id);
    BindProfileValues(s, 2, record, data);
  });
  return sql::ExplainDuplicate(status, "a profile with this id already exists (profiles.id)");
}

absl::Status SqliteTransaction::UpdateProfileRow(const ProfileRecord& record,
                                                 int64_t expected_revision) {
  std::string data = record.profile.SerializeAsString();
  absl::Status status = RunStatement(*connection_, sql::kUpdateProfile, [&](SqliteStatement& s) {
    BindProfileValues(s, 1, record, data);
    s.BindText(9, record.id);
    s.BindInt64(10, expected_revision);
  });
  if (!status.ok()) return status;
  return sql::CheckRevisionMatched(connection_->Changes(), "profile");
}

absl::Status SqliteTransaction::DeleteSideRows(absl::string_view id) {
  for (absl::string_view statement :
       {sql::kDeleteTags, sql::kDeleteExternalIds, sql::kDeleteContactPoints}) {
    absl::Status status =
        RunStatement(*connection_, statement, [&](SqliteStatement& s) { s.BindText(1, id); });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::InsertSideRows(const ProfileRecord& record) {
  sql::SideRows rows = sql::SideRowsOf(record.profile);
  if (!rows.tags.empty()) {
    absl::Status status =
        RunStatement(*connection_, MultiRowInsert(sql::kInsertTags, sql::kTagRow, rows.tags.size()),
                     [&](SqliteStatement& s) {
                       int index = 1;
                       for (const std::string& tag : rows.tags) {
                         s.BindText(index++, record.id);
                         s.BindText(index++, tag);
                       }
                     });
    if (!status.ok()) return status;
  }
  if (!rows.external_ids.empty()) {
    absl::Status status = RunStatement(
        *connection_,
        MultiRowInsert(sql::kInsertExternalIds,
                       rows.live ? sql::kLiveExternalIdRow : sql::kDeletedExternalIdRow,
                       rows.external_ids.size()),
        [&](SqliteStatement& s) {
          int index = 1;
          for (const auto& [system, external_id] : rows.external_ids) {
            s.BindText(index++, record.id);
            s.BindText(index++, system);
            s.BindText(index++, external_id);
          }
        });
    status = sql::ExplainDuplicate(
        status, "an external id belongs to another live profile (profile_external_ids)");
    if (!status.ok()) return status;
  }
  return InsertContactPoints(record.id, rows.contact_points);
}

absl::Status SqliteTransaction::InsertContactPoints(
    const std::string& id, const std::vector<std::pair<std::string, std::string>>& points) {
  if (points.empty()) return absl::OkStatus();
  // Bound as SQLITE_STATIC: the lookup values must outlive the statement.
  std::vector<std::string> lookup_values;
  lookup_values.reserve(points.size());
  for (const auto& [kind, value] : points) {
    lookup_values.push_back(sql::ContactPointLookupValue(kind, value));
  }
  return RunStatement(
      *connection_, MultiRowInsert(sql::kInsertContactPoints, sql::kContactPointRow, points.size()),
      [&](SqliteStatement& s) {
        int index = 1;
        for (size_t i = 0; i < points.size(); ++i) {
          s.BindText(index++, id);
          s.BindText(index++, points[i].first);
          s.BindText(index++, points[i].second);
          s.BindText(index++, lookup_values[i]);
        }
      });
}

absl::StatusOr<std::vector<ProfileRecord>> SqliteTransaction::ListProfiles(
    const ProfileListQuery& query) {
  sql::SqlFragment fragment = sql::RenderProfileListQuery(query);
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(absl::StrCat(sql::kListProfiles, fragment.sql));
  if (!statement.ok()) return statement.status();
  BindParams(*statement, fragment.params);
  std::vector<ProfileRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<ProfileRecord> record = sql::DecodeProfile(SqliteRow(*statement));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

absl::StatusOr<std::vector<ProfileRecord>> SqliteTransaction::LookupProfiles(
    const ProfileIdentifier& identifier, int limit) {
  bool external = identifier.kind == ProfileIdentifier::Kind::kExternalId;
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(external ? sql::kLookupByExternalId : sql::kLookupByContactPoint);
  if (!statement.ok()) return statement.status();
  absl::string_view kind = sql::LookupKindOf(identifier.kind);
  // Bound as SQLITE_STATIC: it must outlive the statement.
  std::string lookup_value = sql::ContactPointLookupValue(kind, identifier.value);
  if (external) {
    statement->BindText(1, identifier.system);
    statement->BindText(2, identifier.value);
  } else {
    statement->BindText(1, kind);
    statement->BindText(2, lookup_value);
  }
  statement->BindInt64(3, limit);
  std::vector<ProfileRecord> records;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<ProfileRecord> record = sql::DecodeProfile(SqliteRow(*statement));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  return records;
}

absl::StatusOr<bool> SqliteTransaction::BackfillMatchKeys(int limit) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::StatusOr<SqliteStatement> marker = connection_->Prepare(sql::kSelectMatchKeyBackfill);
  if (!marker.ok()) return marker.status();
  absl::StatusOr<bool> found = marker->Step();
  if (!found.ok()) return found.status();
  if (!*found) return false;
  const std::string next(marker->ColumnText(0));
  marker->Reset();
  absl::StatusOr<SqliteStatement> profiles = connection_->Prepare(sql::kSelectProfilesAfter);
  if (!profiles.ok()) return profiles.status();
  profiles->BindText(1, next);
  profiles->BindInt64(2, limit);
  std::vector<ProfileRecord> records;
  while (true) {
    absl::StatusOr<bool> row = profiles->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<ProfileRecord> record = sql::DecodeProfile(SqliteRow(*profiles));
    if (!record.ok()) return record.status();
    records.push_back(*std::move(record));
  }
  for (const ProfileRecord& record : records) {
    absl::Status status = RunStatement(*connection_, sql::kDeleteMatchKeys,
                                       [&](SqliteStatement& s) { s.BindText(1, record.id); });
    if (!status.ok()) return status;
    if (absl::Status s = InsertContactPoints(record.id, sql::MatchKeyRowsOf(record.profile));
        !s.ok()) {
      return s;
    }
  }
  const bool more = static_cast<int>(records.size()) == limit;
  // Bound as SQLITE_STATIC: `last` outlives the statement.
  const std::string last = more ? records.back().id : "";
  absl::Status status =
      RunStatement(*connection_, more ? sql::kUpdateMatchKeyBackfill : sql::kFinishMatchKeyBackfill,
                   [&](SqliteStatement& s) {
                     if (more) s.BindText(1, last);
                   });
  if (!status.ok()) return status;
  return more;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SqliteTransaction::ListMergedProfiles(absl::Span<const std::string> survivor_ids) {
  std::vector<std::pair<std::string, std::string>> merged;
  if (survivor_ids.empty()) return merged;
  const size_t padded = PaddedSize(survivor_ids.size());
  absl::StatusOr<SqliteStatement> statement =
      connection_->Prepare(InList(sql::kMergedProfilesIn, padded));
  if (!statement.ok()) return statement.status();
  for (size_t i = 0; i < padded; ++i) {
    // Padded with '' (no profile has an empty id).
    statement->BindText(static_cast<int>(i) + 1, i < survivor_ids.size()
                                                     ? absl::string_view(survivor_ids[i])
                                                     : absl::string_view());
  }
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    merged.emplace_back(statement->ColumnText(0), statement->ColumnText(1));
  }
  return merged;
}

absl::StatusOr<std::optional<std::string>> SqliteTransaction::FindLiveProfileByExternalId(
    absl::string_view system, absl::string_view external_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kFindLiveByExternalId);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, system);
  statement->BindText(2, external_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return std::string(statement->ColumnText(0));
}

absl::StatusOr<std::optional<IdempotencyRecord>> SqliteTransaction::GetRequest(
    absl::string_view scope, absl::string_view request_id) {
  absl::StatusOr<SqliteStatement> statement = connection_->Prepare(sql::kSelectRequest);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, scope);
  statement->BindText(2, request_id);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  return sql::DecodeRequest(SqliteRow(*statement));
}

absl::Status SqliteTransaction::PutRequest(const IdempotencyRecord& record) {
  if (absl::Status s = sql::CheckWritable(read_only_); !s.ok()) return s;
  absl::Status status = RunStatement(*connection_, sql::kInsertRequest, [&](SqliteStatement& s) {
    s.BindText(1, record.scope);
    s.BindText(2, record.request_id);
    s.BindBlob(3, record.request_hash);
    s.BindBlob(4, record.response);
    s.BindInt64(5, absl::ToUnixMicros(record.create_time));
  });
  return sql::ExplainDuplicate(status, "this request_id is already recorded (idempotency_keys)");
}

}  // namespace cp::storage
