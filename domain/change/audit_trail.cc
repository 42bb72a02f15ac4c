#include "domain/change/audit_trail.h"

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customerprofile/v1/consent.pb.h"
#include "customerprofile/v1/interaction.pb.h"
#include "customerprofile/v1/merge.pb.h"
#include "customerprofile/v1/profile.pb.h"
#include "customerprofile/v1/suppression.pb.h"
#include "domain/change/audit_filter.h"
#include "domain/change/change_recorder.h"
#include "domain/change/field_changes.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::Transaction;
using storage::TransactionMode;

constexpr absl::string_view kPiiReadScope = "pii.read";

// Image parses a stored before/after image; null when there is none.
std::unique_ptr<google::protobuf::Message> Image(int resource_type, bool present,
                                                 const std::string& bytes) {
  if (!present) return nullptr;
  std::unique_ptr<google::protobuf::Message> message = NewResourceMessage(resource_type);
  if (message == nullptr || !message->ParseFromString(bytes)) return nullptr;
  return message;
}

}  // namespace

std::unique_ptr<google::protobuf::Message> NewResourceMessage(int resource_type) {
  switch (resource_type) {
    case v1::CHANGE_RESOURCE_TYPE_PROFILE:
      return std::make_unique<v1::Profile>();
    case v1::CHANGE_RESOURCE_TYPE_CONSENT:
      return std::make_unique<v1::ConsentEvent>();
    case v1::CHANGE_RESOURCE_TYPE_PURPOSE:
      return std::make_unique<v1::Purpose>();
    case v1::CHANGE_RESOURCE_TYPE_SUPPRESSION_LIST:
      return std::make_unique<v1::SuppressionList>();
    case v1::CHANGE_RESOURCE_TYPE_INTERACTION:
      return std::make_unique<v1::Interaction>();
    case v1::CHANGE_RESOURCE_TYPE_MERGE:
      return std::make_unique<v1::Merge>();
    default:
      return nullptr;
  }
}

v1::AuditEvent ToAuditEvent(const storage::ChangeRecord& record, bool show_pii) {
  v1::AuditEvent event;
  event.set_name(absl::StrCat(ProfileName(record.profile_id), "/auditEvents/", record.sequence));
  event.set_resource_name(record.resource_name);
  event.set_resource_type(static_cast<v1::ChangeResourceType>(record.resource_type));
  event.set_kind(static_cast<v1::ChangeKind>(record.kind));
  event.set_read(record.read);
  *event.mutable_time() = ToProtoTime(record.change_time);
  event.set_app_id(record.app_id);
  event.set_actor(record.actor);
  event.set_caller_kind(static_cast<v1::AuditCallerKind>(record.details.caller_kind()));
  event.set_method(record.details.method());
  event.set_request_id(record.details.request_id());
  const storage::ChangeRecord& r = record;
  std::unique_ptr<google::protobuf::Message> before =
      Image(r.resource_type, r.details.has_before(), r.details.before());
  std::unique_ptr<google::protobuf::Message> after =
      Image(r.resource_type, r.details.has_after(), r.details.after());
  for (v1::FieldChange& change : FieldChanges(before.get(), after.get(), kBookkeepingFields)) {
    if (change.pii() && !show_pii) {
      change.clear_old_value();
      change.clear_new_value();
      change.set_values_hidden(true);
    }
    *event.add_field_changes() = std::move(change);
  }
  return event;
}

AuditTrail::AuditTrail(storage::Store* store, PagingOptions paging)
    : store_(store), paging_(paging) {}

absl::StatusOr<v1::ListAuditEventsResponse> AuditTrail::ListAuditEvents(
    const v1::ListAuditEventsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> profile_id = ParseProfileName(request.parent(), "parent");
  if (!profile_id.ok()) return profile_id.status();
  const int page_size = ResolvePageSize(request.page_size(), paging_, context, &violations);
  storage::AuditQuery query;
  query.profile_id = *profile_id;
  if (absl::Status s = ParseAuditFilter(request.filter(), &query); !s.ok()) violations.AddAll(s);
  const ListQuery list{
      .kind = "auditEvents", .parent = request.parent(), .filter = request.filter()};
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        DecodePageToken(request.page_token(), list, {CursorFieldType::kInt});
    if (cursor.ok()) {
      query.before_sequence = std::get<int64_t>((*cursor)[0]);
    } else {
      violations.AddAll(cursor.status());
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  query.limit = page_size + 1;

  std::vector<storage::ChangeRecord> records;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto profile = tx.GetProfile(*profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, kProfileNotFound, "profile not found",
                           {{"name", request.parent()}});
        }
        auto found = tx.changes().ListAuditEvents(query);
        if (!found.ok()) return found.status();
        records = *std::move(found);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  v1::ListAuditEventsResponse response;
  const bool show_pii = context.HasScope(kPiiReadScope);
  const int n = std::min<int>(page_size, static_cast<int>(records.size()));
  for (int i = 0; i < n; ++i) *response.add_audit_events() = ToAuditEvent(records[i], show_pii);
  if (static_cast<int>(records.size()) > page_size) {
    response.set_next_page_token(EncodePageToken(list, {records[n - 1].sequence}));
  }
  return response;
}

}  // namespace cp::domain
