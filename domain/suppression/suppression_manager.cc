#include "domain/suppression/suppression_manager.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/change/change_recorder.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/paging.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/consent/consent_names.h"
#include "domain/suppression/suppression_list_view.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::GenerationState;
using storage::SuppressionListRecord;
using storage::Transaction;
using storage::TransactionMode;

constexpr size_t kMaxDisplayName = 200;
constexpr size_t kMaxSource = 200;
constexpr absl::string_view kUpdatableFields[] = {"display_name", "channels", "source"};
// A write that lost a race with another write of the same list (both
// bumped its revision) is run again this many times before ABORTED.
constexpr int kRevisionRetries = 5;

absl::Status NotFound(absl::string_view id) {
  return MakeError(absl::StatusCode::kNotFound, kSuppressionListNotFound,
                   "suppression list not found", {{"name", SuppressionListName(id)}});
}

// Validate checks the settable fields of a list, prefixing paths with
// `prefix`.
void Validate(const SuppressionListRecord& list, absl::string_view prefix,
              FieldViolations* violations) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (list.display_name.empty()) violations->Add(field("display_name"), "required");
  if (list.display_name.size() > kMaxDisplayName) {
    violations->Add(field("display_name"), absl::StrCat("at most ", kMaxDisplayName, " bytes"));
  }
  if (list.source.size() > kMaxSource) {
    violations->Add(field("source"), absl::StrCat("at most ", kMaxSource, " bytes"));
  }
  if (list.channels.empty()) violations->Add(field("channels"), "at least one channel");
}

// ReadChannels copies a request's channels, adding a violation for each
// unknown or repeated one.
std::vector<v1::Channel> ReadChannels(const google::protobuf::RepeatedField<int>& channels,
                                      absl::string_view path, FieldViolations* violations) {
  std::vector<v1::Channel> result;
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < channels.size(); ++i) {
    int channel = channels.Get(i);
    std::string at = absl::StrCat(path, "[", i, "]");
    if (channel == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(channel)) {
      violations->Add(at, "must be a Channel value");
    } else if (!seen.insert(channel).second) {
      violations->Add(at, "duplicate channel");
    } else {
      result.push_back(static_cast<v1::Channel>(channel));
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

// NormalizeForList normalises `text` for a list's kind, or returns
// INVALID_ARGUMENT on `field`.
absl::StatusOr<std::string> NormalizeForList(const SuppressionIdentifiers& identifiers,
                                             const SuppressionListRecord& list,
                                             absl::string_view text, absl::string_view field) {
  absl::StatusOr<std::string> value = identifiers.Normalize(list.identifier_kind, text);
  if (!value.ok()) return InvalidField(field, value.status().message());
  return value;
}

}  // namespace

SuppressionManager::SuppressionManager(storage::Store* store, const Clock* clock,
                                       const SuppressionIdentifiers* identifiers,
                                       SuppressionManagerOptions options)
    : store_(store), clock_(clock), identifiers_(identifiers), options_(options) {}

absl::StatusOr<v1::SuppressionList> SuppressionManager::CreateSuppressionList(
    const v1::CreateSuppressionListRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!IsValidResourceId(request.suppression_list_id())) {
    violations.Add("suppression_list_id",
                   "required: 1-63 characters of [a-z0-9-], starting with a letter and not "
                   "ending with '-'");
  }
  const v1::SuppressionList& in = request.suppression_list();
  if (!in.name().empty()) violations.Add("suppression_list.name", "output only: leave it empty");
  if (!in.etag().empty()) violations.Add("suppression_list.etag", "output only: leave it empty");
  if (in.entry_count() != 0) {
    violations.Add("suppression_list.entry_count", "output only: leave it empty");
  }
  if (in.has_create_time()) {
    violations.Add("suppression_list.create_time", "output only: leave it empty");
  }
  if (in.has_update_time()) {
    violations.Add("suppression_list.update_time", "output only: leave it empty");
  }
  if (in.identifier_kind() == v1::IDENTIFIER_KIND_UNSPECIFIED ||
      !v1::IdentifierKind_IsValid(in.identifier_kind())) {
    violations.Add("suppression_list.identifier_kind",
                   "required: one of the IdentifierKind values");
  }
  absl::Time now = TruncateToMicros(clock_->Now());
  SuppressionListRecord record;
  record.id = request.suppression_list_id();
  record.revision = 1;
  record.display_name = in.display_name();
  record.source = in.source();
  record.identifier_kind = in.identifier_kind();
  record.channels = ReadChannels(in.channels(), "suppression_list.channels", &violations);
  record.create_time = now;
  record.update_time = now;
  if (!in.channels().empty() && record.channels.empty()) {
    // Every channel given was invalid; each is already named.
    record.channels.push_back(v1::CHANNEL_UNSPECIFIED);
  }
  Validate(record, "suppression_list.", &violations);
  if (!violations.empty()) return violations.ToStatus();

  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::SuppressionRepository& repo = tx.suppressions();
        auto existing = repo.GetList(record.id);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) return absl::AlreadyExistsError("taken");
        absl::StatusOr<int64_t> generation = repo.AllocateGeneration(record.id, now);
        if (!generation.ok()) return generation.status();
        record.generation = *generation;
        if (absl::Status s = repo.InsertList(record); !s.ok()) return s;
        const v1::SuppressionList created = ToSuppressionList(record);
        return RecordChange(tx, context, now,
                            {v1::CHANGE_RESOURCE_TYPE_SUPPRESSION_LIST, created.name(), ""},
                            v1::CHANGE_KIND_CREATED, nullptr, &created, created.etag());
      });
  if (absl::IsAlreadyExists(status)) {
    return MakeError(absl::StatusCode::kAlreadyExists, "SUPPRESSION_LIST_ALREADY_EXISTS",
                     "a suppression list with this id already exists",
                     {{"name", SuppressionListName(record.id)}});
  }
  if (!status.ok()) return status;
  return ToSuppressionList(record);
}

absl::StatusOr<v1::SuppressionList> SuppressionManager::GetSuppressionList(
    const v1::GetSuppressionListRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> id = ParseSuppressionListName(request.name(), "name");
  if (!id.ok()) return id.status();
  v1::SuppressionList result;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto record = tx.suppressions().GetList(*id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return NotFound(*id);
        result = ToSuppressionList(**record);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::ListSuppressionListsResponse> SuppressionManager::ListSuppressionLists(
    const v1::ListSuppressionListsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  int page_size = ResolvePageSize(request.page_size(), options_.paging, context, &violations);
  const ListQuery list{.kind = "suppressionLists"};
  std::string after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        DecodePageToken(request.page_token(), list, {CursorFieldType::kString});
    if (cursor.ok()) {
      after = std::get<std::string>((*cursor)[0]);
    } else {
      violations.AddAll(cursor.status());
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  v1::ListSuppressionListsResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto records = tx.suppressions().ListLists(after, page_size + 1);
        if (!records.ok()) return records.status();
        response.Clear();
        int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i) {
          *response.add_suppression_lists() = ToSuppressionList((*records)[i]);
        }
        if (static_cast<int>(records->size()) > page_size) {
          response.set_next_page_token(EncodePageToken(list, {(*records)[n - 1].id}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::SuppressionList> SuppressionManager::UpdateSuppressionList(
    const v1::UpdateSuppressionListRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  const v1::SuppressionList& in = request.suppression_list();
  absl::StatusOr<std::string> id = ParseSuppressionListName(in.name(), "suppression_list.name");
  if (!id.ok()) {
    violations.Add("suppression_list.name", "must be of the form suppressionLists/{list}");
  }
  std::vector<std::string> paths;
  if (request.has_update_mask() && !request.update_mask().paths().empty()) {
    for (const std::string& path : request.update_mask().paths()) {
      if (path == "*") {
        paths.clear();
        for (absl::string_view field : kUpdatableFields) paths.emplace_back(field);
        break;
      }
      if (std::find(std::begin(kUpdatableFields), std::end(kUpdatableFields), path) ==
          std::end(kUpdatableFields)) {
        violations.Add("update_mask", "names a field that does not exist or cannot be updated");
      } else {
        paths.push_back(path);
      }
    }
  } else {
    if (!in.display_name().empty()) paths.push_back("display_name");
    if (!in.channels().empty()) paths.push_back("channels");
    if (!in.source().empty()) paths.push_back("source");
  }
  std::vector<v1::Channel> channels =
      ReadChannels(in.channels(), "suppression_list.channels", &violations);
  if (in.identifier_kind() != v1::IDENTIFIER_KIND_UNSPECIFIED) {
    violations.Add("suppression_list.identifier_kind", "fixed at creation: leave it empty");
  }
  if (!violations.empty()) return violations.ToStatus();

  absl::Time now = TruncateToMicros(clock_->Now());
  v1::SuppressionList result;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::SuppressionRepository& repo = tx.suppressions();
        auto current = repo.LockList(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return NotFound(*id);
        SuppressionListRecord record = **current;
        if (!in.etag().empty() && in.etag() != ComputeEtag(record.id, record.revision)) {
          return MakeError(absl::StatusCode::kAborted, kEtagMismatch,
                           "the suppression list changed since it was read: read it again and "
                           "retry",
                           {{"name", SuppressionListName(record.id)}});
        }
        for (const std::string& path : paths) {
          if (path == "display_name") record.display_name = in.display_name();
          if (path == "channels") record.channels = channels;
          if (path == "source") record.source = in.source();
        }
        FieldViolations merged;
        Validate(record, "suppression_list.", &merged);
        if (!merged.empty()) return merged.ToStatus();
        int64_t expected = record.revision;
        record.revision = expected + 1;
        record.update_time = now;
        if (absl::Status s = repo.UpdateList(record, expected); !s.ok()) return s;
        result = ToSuppressionList(record);
        const v1::SuppressionList before = ToSuppressionList(**current);
        return RecordChange(tx, context, now,
                            {v1::CHANGE_RESOURCE_TYPE_SUPPRESSION_LIST, result.name(), ""},
                            v1::CHANGE_KIND_UPDATED, &before, &result, result.etag());
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::DeleteSuppressionListResponse> SuppressionManager::DeleteSuppressionList(
    const v1::DeleteSuppressionListRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> id = ParseSuppressionListName(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::Time now = TruncateToMicros(clock_->Now());
  v1::DeleteSuppressionListResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::SuppressionRepository& repo = tx.suppressions();
        auto current = repo.LockList(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return NotFound(*id);
        const SuppressionListRecord& record = **current;
        if (!request.etag().empty() && request.etag() != ComputeEtag(record.id, record.revision)) {
          return MakeError(absl::StatusCode::kAborted, kEtagMismatch,
                           "the suppression list changed since it was read: read it again and "
                           "retry",
                           {{"name", SuppressionListName(record.id)}});
        }
        if (absl::Status s = repo.DeleteList(record, now); !s.ok()) return s;
        *response.mutable_suppression_list() = ToSuppressionList(record);
        return RecordChange(
            tx, context, now,
            {v1::CHANGE_RESOURCE_TYPE_SUPPRESSION_LIST, response.suppression_list().name(), ""},
            v1::CHANGE_KIND_DELETED, &response.suppression_list(), nullptr);
      });
  if (!status.ok()) return status;
  return response;
}

absl::Status SuppressionManager::ChangeEntries(
    const std::string& list_id, absl::Time deadline,
    absl::FunctionRef<absl::StatusOr<int64_t>(storage::SuppressionRepository&,
                                              const SuppressionListRecord&)>
        change) {
  absl::Status status;
  for (int attempt = 0; attempt < kRevisionRetries; ++attempt) {
    absl::Time now = TruncateToMicros(clock_->Now());
    status = store_->Run(TransactionMode::kReadWrite, deadline, [&](Transaction& tx) {
      storage::SuppressionRepository& repo = tx.suppressions();
      auto current = repo.LockList(list_id);
      if (!current.ok()) return current.status();
      if (!current->has_value()) return NotFound(list_id);
      SuppressionListRecord record = **current;
      absl::StatusOr<int64_t> delta = change(repo, record);
      if (!delta.ok()) return delta.status();
      if (*delta == 0) return absl::OkStatus();
      int64_t expected = record.revision;
      record.revision = expected + 1;
      record.entry_count += *delta;
      record.update_time = now;
      return repo.UpdateList(record, expected);
    });
    // Only a lost race on the revision (no ErrorInfo) is worth another try.
    if (!absl::IsAborted(status) || GetErrorInfo(status).has_value()) break;
  }
  return status;
}

absl::StatusOr<v1::SuppressionEntry> SuppressionManager::AddSuppressionEntry(
    const v1::AddSuppressionEntryRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> id =
      ParseSuppressionListName(request.suppression_list(), "suppression_list");
  if (!id.ok()) return id.status();
  v1::SuppressionEntry entry;
  absl::Status status =
      ChangeEntries(*id, context.deadline,
                    [&](storage::SuppressionRepository& repo,
                        const SuppressionListRecord& list) -> absl::StatusOr<int64_t> {
                      absl::StatusOr<std::string> identifier =
                          NormalizeForList(*identifiers_, list, request.identifier(), "identifier");
                      if (!identifier.ok()) return identifier.status();
                      entry.set_suppression_list(SuppressionListName(list.id));
                      entry.set_identifier(*identifier);
                      std::string single[] = {*identifier};
                      return repo.InsertEntries(list.id, list.generation, single);
                    });
  if (!status.ok()) return status;
  return entry;
}

absl::StatusOr<v1::RemoveSuppressionEntryResponse> SuppressionManager::RemoveSuppressionEntry(
    const v1::RemoveSuppressionEntryRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> id =
      ParseSuppressionListName(request.suppression_list(), "suppression_list");
  if (!id.ok()) return id.status();
  v1::RemoveSuppressionEntryResponse response;
  absl::Status status = ChangeEntries(
      *id, context.deadline,
      [&](storage::SuppressionRepository& repo,
          const SuppressionListRecord& list) -> absl::StatusOr<int64_t> {
        absl::StatusOr<std::string> identifier =
            NormalizeForList(*identifiers_, list, request.identifier(), "identifier");
        if (!identifier.ok()) return identifier.status();
        response.set_identifier(*identifier);
        absl::StatusOr<bool> removed = repo.RemoveEntry(list.id, list.generation, *identifier);
        if (!removed.ok()) return removed.status();
        response.set_removed(*removed);
        return *removed ? -1 : 0;
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::CheckSuppressionResponse> SuppressionManager::CheckSuppression(
    const v1::CheckSuppressionRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  std::string list_id;
  if (!request.suppression_list().empty()) {
    absl::StatusOr<std::string> id =
        ParseSuppressionListName(request.suppression_list(), "suppression_list");
    if (id.ok()) {
      list_id = *id;
    } else {
      violations.Add("suppression_list", "must be of the form suppressionLists/{list}");
    }
  }
  if (request.channel() != v1::CHANNEL_UNSPECIFIED && !v1::Channel_IsValid(request.channel())) {
    violations.Add("channel", "must be a Channel value");
  }
  absl::StatusOr<std::vector<std::string>> keys = identifiers_->LookupKeys(request.identifier());
  if (!keys.ok()) violations.Add("identifier", std::string(keys.status().message()));
  if (!violations.empty()) return violations.ToStatus();

  int64_t mask =
      request.channel() == v1::CHANNEL_UNSPECIFIED ? 0 : storage::ChannelMask({request.channel()});
  v1::CheckSuppressionResponse response;
  response.set_identifier(keys->front());
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        storage::SuppressionRepository& repo = tx.suppressions();
        if (!list_id.empty()) {
          auto list = repo.GetList(list_id);
          if (!list.ok()) return list.status();
          if (!list->has_value()) return NotFound(list_id);
        }
        auto matches = repo.FindEntries(*keys, mask, list_id);
        if (!matches.ok()) return matches.status();
        std::vector<std::string> names;
        for (const storage::SuppressionMatch& match : *matches) {
          names.push_back(SuppressionListName(match.list_id));
        }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        response.clear_suppression_lists();
        for (std::string& name : names) response.add_suppression_lists(std::move(name));
        response.set_suppressed(!names.empty());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<std::unique_ptr<SuppressionImport>> SuppressionManager::StartImport(
    const v1::ImportSuppressionEntriesRequest& first, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(first, &violations);
  absl::StatusOr<std::string> id =
      ParseSuppressionListName(first.suppression_list(), "suppression_list");
  if (!id.ok()) {
    violations.Add("suppression_list",
                   "required in the first message: a name of the form suppressionLists/{list}");
  }
  if (first.mode() != v1::IMPORT_MODE_REPLACE && first.mode() != v1::IMPORT_MODE_APPEND) {
    violations.Add("mode",
                   "required in the first message: IMPORT_MODE_REPLACE or "
                   "IMPORT_MODE_APPEND");
  }
  if (!violations.empty()) return violations.ToStatus();
  absl::Time now = TruncateToMicros(clock_->Now());
  SuppressionListRecord list;
  int64_t generation = 0;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::SuppressionRepository& repo = tx.suppressions();
        auto current = repo.GetList(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return NotFound(*id);
        list = **current;
        absl::StatusOr<int64_t> allocated = repo.AllocateGeneration(list.id, now);
        if (!allocated.ok()) return allocated.status();
        generation = *allocated;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return std::make_unique<SuppressionImport>(store_, clock_, identifiers_, options_.import,
                                             std::move(list), first.mode(), generation);
}

absl::StatusOr<int64_t> SuppressionManager::CollectGarbage(absl::Time deadline) {
  std::vector<storage::GenerationRecord> generations;
  absl::Status status = store_->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
    auto listed = tx.suppressions().ListGenerations();
    if (!listed.ok()) return listed.status();
    generations = *std::move(listed);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  absl::Time now = clock_->Now();
  int64_t deleted = 0;
  for (const storage::GenerationRecord& generation : generations) {
    if (generation.state == GenerationState::kStaging &&
        now - generation.update_time < options_.abandoned_import_age) {
      continue;
    }
    while (true) {
      if (absl::Now() >= deadline) return deleted;
      int64_t n = 0;
      status = store_->Run(TransactionMode::kReadWrite, deadline, [&](Transaction& tx) {
        absl::StatusOr<int64_t> removed = tx.suppressions().DeleteEntries(
            generation.list_id, generation.generation, options_.delete_batch);
        if (!removed.ok()) return removed.status();
        n = *removed;
        if (n < options_.delete_batch)
          return tx.suppressions().ForgetGeneration(generation.generation);
        return absl::OkStatus();
      });
      if (!status.ok()) return status;
      deleted += n;
      if (n < options_.delete_batch) break;
    }
  }
  return deleted;
}

}  // namespace cp::domain
