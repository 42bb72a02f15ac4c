#include "domain/consent/purpose_manager.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "domain/change/change_recorder.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/paging.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/consent/consent_names.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::PurposeRecord;
using storage::Transaction;
using storage::TransactionMode;

constexpr size_t kMaxDisplayName = 200;
constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxNoticeText = 100000;
constexpr int kMaxValidityMonths = 1200;

constexpr absl::string_view kUpdatableFields[] = {"display_name",
                                                  "description",
                                                  "legal_basis",
                                                  "channels",
                                                  "double_opt_in_required",
                                                  "consent_validity_months",
                                                  "notice_text"};

absl::Status NotFound(absl::string_view id) {
  return MakeError(absl::StatusCode::kNotFound, kPurposeNotFound, "purpose not found",
                   {{"name", PurposeName(id)}});
}

// ToResource is the API view of a stored purpose.
v1::Purpose ToResource(const PurposeRecord& record) {
  v1::Purpose purpose = record.purpose;
  purpose.set_name(PurposeName(record.id));
  purpose.set_etag(ComputeEtag(record.id, record.revision));
  return purpose;
}

v1::NoticeVersion ToNoticeVersion(const storage::NoticeVersionRecord& record) {
  v1::NoticeVersion version;
  version.set_name(NoticeVersionName(record.purpose_id, record.version));
  version.set_version(record.version);
  version.set_notice_text(record.notice_text);
  *version.mutable_create_time() = ToProtoTime(record.create_time);
  return version;
}

// Validate checks a whole purpose (after any update is applied), prefixing
// field paths with `prefix`.
void Validate(const v1::Purpose& purpose, absl::string_view prefix, FieldViolations* violations) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (purpose.display_name().empty()) violations->Add(field("display_name"), "required");
  if (purpose.display_name().size() > kMaxDisplayName) {
    violations->Add(field("display_name"), absl::StrCat("at most ", kMaxDisplayName, " bytes"));
  }
  if (purpose.description().size() > kMaxDescription) {
    violations->Add(field("description"), absl::StrCat("at most ", kMaxDescription, " bytes"));
  }
  if (purpose.legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED ||
      !v1::LegalBasis_IsValid(purpose.legal_basis())) {
    violations->Add(field("legal_basis"), "required: one of the LegalBasis values");
  }
  if (purpose.channels().empty()) violations->Add(field("channels"), "at least one channel");
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < purpose.channels_size(); ++i) {
    int channel = purpose.channels(i);
    std::string path = absl::StrCat(field("channels"), "[", i, "]");
    if (channel == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(channel)) {
      violations->Add(path, "must be a Channel value");
    } else if (!seen.insert(channel).second) {
      violations->Add(path, "duplicate channel");
    }
  }
  if (purpose.consent_validity_months() < 0 ||
      purpose.consent_validity_months() > kMaxValidityMonths) {
    violations->Add(field("consent_validity_months"),
                    absl::StrCat("must be between 0 and ", kMaxValidityMonths));
  }
  if (purpose.notice_text().empty()) violations->Add(field("notice_text"), "required");
  if (purpose.notice_text().size() > kMaxNoticeText) {
    violations->Add(field("notice_text"), absl::StrCat("at most ", kMaxNoticeText, " bytes"));
  }
}

// ClearOutputOnly drops what clients may not set.
void ClearOutputOnly(v1::Purpose* purpose) {
  purpose->clear_name();
  purpose->clear_etag();
  purpose->clear_notice_version();
  purpose->clear_create_time();
  purpose->clear_update_time();
}

}  // namespace

PurposeManager::PurposeManager(storage::Store* store, const Clock* clock,
                               PurposeManagerOptions options)
    : store_(store), clock_(clock), options_(options) {}

absl::StatusOr<v1::Purpose> PurposeManager::CreatePurpose(const v1::CreatePurposeRequest& request,
                                                          const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!IsValidResourceId(request.purpose_id())) {
    violations.Add("purpose_id",
                   "required: 1-63 characters of [a-z0-9-], starting with a letter and not "
                   "ending with '-'");
  }
  v1::Purpose purpose = request.purpose();
  ClearOutputOnly(&purpose);
  Validate(purpose, "purpose.", &violations);
  if (!violations.empty()) return violations.ToStatus();

  absl::Time now = TruncateToMicros(clock_->Now());
  purpose.set_notice_version(1);
  *purpose.mutable_create_time() = ToProtoTime(now);
  *purpose.mutable_update_time() = ToProtoTime(now);
  PurposeRecord record{request.purpose_id(), 1, purpose};
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::ConsentRepository& consents = tx.consents();
        auto existing = consents.GetPurpose(record.id);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return MakeError(absl::StatusCode::kAlreadyExists, kPurposeAlreadyExists,
                           "a purpose with this id already exists",
                           {{"name", PurposeName(record.id)}});
        }
        if (absl::Status s = consents.InsertPurpose(record); !s.ok()) return s;
        if (absl::Status s =
                consents.InsertNoticeVersion({record.id, 1, purpose.notice_text(), now});
            !s.ok()) {
          return s;
        }
        const v1::Purpose created = ToResource(record);
        return RecordChange(tx, context, now,
                            {v1::CHANGE_RESOURCE_TYPE_PURPOSE, created.name(), ""},
                            v1::CHANGE_KIND_CREATED, nullptr, &created, created.etag());
      });
  if (absl::IsAlreadyExists(status) && !GetErrorInfo(status)) {
    return MakeError(absl::StatusCode::kAlreadyExists, kPurposeAlreadyExists,
                     "a purpose with this id already exists", {{"name", PurposeName(record.id)}});
  }
  if (!status.ok()) return status;
  return ToResource(record);
}

absl::StatusOr<v1::Purpose> PurposeManager::GetPurpose(const v1::GetPurposeRequest& request,
                                                       const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> id = ParsePurposeName(request.name(), "name");
  if (!id.ok()) return id.status();
  v1::Purpose result;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto record = tx.consents().GetPurpose(*id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return NotFound(*id);
        result = ToResource(**record);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::ListPurposesResponse> PurposeManager::ListPurposes(
    const v1::ListPurposesRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  int page_size = ResolvePageSize(request.page_size(), options_.paging, context, &violations);
  const ListQuery list{.kind = "purposes"};
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
  v1::ListPurposesResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto records = tx.consents().ListPurposes(after, page_size + 1);
        if (!records.ok()) return records.status();
        response.Clear();
        int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i) *response.add_purposes() = ToResource((*records)[i]);
        if (static_cast<int>(records->size()) > page_size) {
          response.set_next_page_token(EncodePageToken(list, {(*records)[n - 1].id}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::Purpose> PurposeManager::UpdatePurpose(const v1::UpdatePurposeRequest& request,
                                                          const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  absl::StatusOr<std::string> id = ParsePurposeName(request.purpose().name(), "purpose.name");
  if (!id.ok()) violations.Add("purpose.name", "must be of the form purposes/{purpose}");
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
    // No mask: every populated field.
    const v1::Purpose& p = request.purpose();
    if (!p.display_name().empty()) paths.push_back("display_name");
    if (!p.description().empty()) paths.push_back("description");
    if (p.legal_basis() != v1::LEGAL_BASIS_UNSPECIFIED) paths.push_back("legal_basis");
    if (!p.channels().empty()) paths.push_back("channels");
    if (p.double_opt_in_required()) paths.push_back("double_opt_in_required");
    if (p.consent_validity_months() != 0) paths.push_back("consent_validity_months");
    if (!p.notice_text().empty()) paths.push_back("notice_text");
  }
  if (!violations.empty()) return violations.ToStatus();

  absl::Time now = TruncateToMicros(clock_->Now());
  v1::Purpose result;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::ConsentRepository& consents = tx.consents();
        auto current = consents.GetPurpose(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return NotFound(*id);
        PurposeRecord record = **current;
        const std::string& etag = request.purpose().etag();
        if (!etag.empty() && etag != ComputeEtag(record.id, record.revision)) {
          return MakeError(absl::StatusCode::kAborted, kEtagMismatch,
                           "the purpose changed since it was read: read it again and retry",
                           {{"name", PurposeName(record.id)}});
        }
        const v1::Purpose& in = request.purpose();
        v1::Purpose& out = record.purpose;
        std::string old_notice = out.notice_text();
        for (const std::string& path : paths) {
          if (path == "display_name") out.set_display_name(in.display_name());
          if (path == "description") out.set_description(in.description());
          if (path == "legal_basis") out.set_legal_basis(in.legal_basis());
          if (path == "channels") *out.mutable_channels() = in.channels();
          if (path == "double_opt_in_required") {
            out.set_double_opt_in_required(in.double_opt_in_required());
          }
          if (path == "consent_validity_months") {
            out.set_consent_validity_months(in.consent_validity_months());
          }
          if (path == "notice_text") out.set_notice_text(in.notice_text());
        }
        FieldViolations merged;
        Validate(out, "purpose.", &merged);
        if (!merged.empty()) return merged.ToStatus();
        if (out.notice_text() != old_notice) {
          out.set_notice_version(out.notice_version() + 1);
          if (absl::Status s = consents.InsertNoticeVersion(
                  {record.id, out.notice_version(), out.notice_text(), now});
              !s.ok()) {
            return s;
          }
        }
        *out.mutable_update_time() = ToProtoTime(now);
        int64_t expected = record.revision;
        record.revision = expected + 1;
        if (absl::Status s = consents.UpdatePurpose(record, expected); !s.ok()) return s;
        result = ToResource(record);
        const v1::Purpose before = ToResource(**current);
        return RecordChange(tx, context, now, {v1::CHANGE_RESOURCE_TYPE_PURPOSE, result.name(), ""},
                            v1::CHANGE_KIND_UPDATED, &before, &result, result.etag());
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::NoticeVersion> PurposeManager::GetNoticeVersion(
    const v1::GetNoticeVersionRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto name = ParseNoticeVersionName(request.name(), "name");
  if (!name.ok()) return name.status();
  v1::NoticeVersion result;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto record = tx.consents().GetNoticeVersion(name->first, name->second);
        if (!record.ok()) return record.status();
        if (!record->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, "NOTICE_VERSION_NOT_FOUND",
                           "notice version not found", {{"name", request.name()}});
        }
        result = ToNoticeVersion(**record);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::ListNoticeVersionsResponse> PurposeManager::ListNoticeVersions(
    const v1::ListNoticeVersionsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  absl::StatusOr<std::string> id = ParsePurposeName(request.parent(), "parent");
  if (!id.ok()) violations.Add("parent", "must be of the form purposes/{purpose}");
  int page_size = ResolvePageSize(request.page_size(), options_.paging, context, &violations);
  const ListQuery list{.kind = "noticeVersions", .parent = request.parent()};
  int64_t before = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        DecodePageToken(request.page_token(), list, {CursorFieldType::kInt});
    if (cursor.ok()) before = std::get<int64_t>((*cursor)[0]);
    if (!cursor.ok()) {
      violations.AddAll(cursor.status());
    } else if (before < 1) {
      violations.AddAll(
          InvalidPageToken("page_token is malformed; pass next_page_token unchanged"));
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  v1::ListNoticeVersionsResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto purpose = tx.consents().GetPurpose(*id);
        if (!purpose.ok()) return purpose.status();
        if (!purpose->has_value()) return NotFound(*id);
        auto records = tx.consents().ListNoticeVersions(*id, before, page_size + 1);
        if (!records.ok()) return records.status();
        response.Clear();
        int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i)
          *response.add_notice_versions() = ToNoticeVersion((*records)[i]);
        if (static_cast<int>(records->size()) > page_size) {
          response.set_next_page_token(EncodePageToken(list, {(*records)[n - 1].version}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace cp::domain
