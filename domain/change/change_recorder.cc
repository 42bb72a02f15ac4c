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

namespace {

// Image is `message` serialized without the fields in `left_out`.
std::string Image(const google::protobuf::Message& message,
                  absl::Span<const absl::string_view> left_out) {
  if (left_out.empty()) return message.SerializeAsString();
  std::unique_ptr<google::protobuf::Message> copy(message.New());
  copy->CopyFrom(message);
  for (absl::string_view name : left_out) {
    const google::protobuf::FieldDescriptor* field =
        copy->GetDescriptor()->FindFieldByName(std::string(name));
    if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);
  }
  return copy->SerializeAsString();
}

}  // namespace

void SetValues(const google::protobuf::Message* before, const google::protobuf::Message* after,
               absl::string_view etag, storage::ChangeRecord* record,
               absl::Span<const absl::string_view> ignored) {
  std::vector<absl::string_view> skipped(std::begin(kBookkeepingFields),
                                         std::end(kBookkeepingFields));
  skipped.insert(skipped.end(), ignored.begin(), ignored.end());
  record->details.clear_field_paths();
  for (std::string& path : ChangedFields(before, after, skipped)) {
    record->details.add_field_paths(std::move(path));
  }
  record->details.clear_before();
  record->details.clear_after();
  if (before != nullptr) record->details.set_before(Image(*before, ignored));
  if (after != nullptr) record->details.set_after(Image(*after, ignored));
  record->details.set_etag(std::string(etag));
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
