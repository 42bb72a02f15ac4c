#include "domain/change/change_recorder.h"

#include <memory>
#include <utility>
#include <vector>

#include "customerprofile/v1/audit.pb.h"
#include "domain/change/field_changes.h"
#include "domain/common/idempotency.h"

namespace cp::domain {
namespace {

constexpr absl::string_view kUnsafeId = "(invalid)";

std::string SafeId(absl::string_view id) {
  return id.empty() || IsSafeRequestId(id) ? std::string(id) : std::string(kUnsafeId);
}

customerprofile::v1::AuditCallerKind CallerKindOf(CallerKind caller) {
  switch (caller) {
    case CallerKind::kApp:
      return customerprofile::v1::AUDIT_CALLER_KIND_APP;
    case CallerKind::kSelfService:
      return customerprofile::v1::AUDIT_CALLER_KIND_SELF_SERVICE;
    case CallerKind::kDevelopment:
      break;
  }
  return customerprofile::v1::AUDIT_CALLER_KIND_DEVELOPMENT;
}

}  // namespace

storage::ChangeRecord NewChange(const CallContext& context, absl::Time time, ChangeSubject subject,
                                customerprofile::v1::ChangeKind kind) {
  storage::ChangeRecord record;
  record.change_time = time;
  record.resource_type = subject.type;
  record.resource_name = std::move(subject.name);
  record.profile_id = std::move(subject.profile_id);
  record.kind = kind;
  record.app_id = context.app_id;
  record.actor = SafeId(context.actor);
  record.details.set_request_id(SafeId(context.request_id));
  record.details.set_method(context.method);
  record.details.set_caller_kind(CallerKindOf(context.caller));
  return record;
}

void SetValues(const google::protobuf::Message* before, const google::protobuf::Message* after,
               absl::string_view etag, storage::ChangeRecord* record,
               absl::Span<const absl::string_view> ignored) {
  std::vector<absl::string_view> skipped(std::begin(kBookkeepingFields),
                                         std::end(kBookkeepingFields));
  skipped.insert(skipped.end(), ignored.begin(), ignored.end());
  record->details.clear_field_paths();
  record->details.clear_before();
  record->details.clear_after();
  record->details.set_etag(std::string(etag));
  const google::protobuf::Message* sample = before != nullptr ? before : after;
  if (sample == nullptr) return;
  // The images hold the changed fields only: what the trail shows, and a
  // fraction of the bytes of whole resources.
  std::unique_ptr<google::protobuf::Message> old_image(sample->New());
  std::unique_ptr<google::protobuf::Message> new_image(sample->New());
  for (std::string& path :
       ChangedFields(before, after, skipped, old_image.get(), new_image.get())) {
    record->details.add_field_paths(std::move(path));
  }
  if (before != nullptr) record->details.set_before(old_image->SerializeAsString());
  if (after != nullptr) record->details.set_after(new_image->SerializeAsString());
}

absl::Status RecordChange(storage::Transaction& tx, const CallContext& context, absl::Time time,
                          ChangeSubject subject, customerprofile::v1::ChangeKind kind,
                          const google::protobuf::Message* before,
                          const google::protobuf::Message* after, absl::string_view etag,
                          absl::Span<const absl::string_view> ignored) {
  storage::ChangeRecord record = NewChange(context, time, std::move(subject), kind);
  SetValues(before, after, etag, &record, ignored);
  return tx.changes().AppendChange(std::move(record));
}

}  // namespace cp::domain
