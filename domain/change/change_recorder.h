#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "customerprofile/v1/change.pb.h"
#include "domain/common/call_context.h"
#include "google/protobuf/message.h"
#include "storage/change_repository.h"
#include "storage/transaction.h"

namespace cp::domain {

// ChangeSubject names the resource a change is about.
struct ChangeSubject {
  customerprofile::v1::ChangeResourceType type =
      customerprofile::v1::CHANGE_RESOURCE_TYPE_UNSPECIFIED;
  // The resource name, e.g. "profiles/123/interactions/i0".
  std::string name;
  // The {profile} it is about; empty for purposes and suppression lists.
  std::string profile_id;
};

// The output-only bookkeeping fields left out of every change's field
// paths and values.
inline constexpr absl::string_view kBookkeepingFields[] = {"name", "etag", "update_time"};

// NewChange returns the change record of a call in `context`, made at
// `time`: who (app id, actor, caller kind), the method and request id. An
// actor or request id that is not a safe id (IsSafeRequestId) is recorded
// as "(invalid)": it may be anything, e.g. personal data.
storage::ChangeRecord NewChange(const CallContext& context, absl::Time time, ChangeSubject subject,
                                customerprofile::v1::ChangeKind kind);

// SetValues sets the record's field paths and old -> new values from the
// resource `before` and `after` the change (null: it did not exist / no
// longer exists; see FieldChanges), leaving out kBookkeepingFields and
// `ignored`, and its etag to `etag`.
void SetValues(const google::protobuf::Message* before, const google::protobuf::Message* after,
               absl::string_view etag, storage::ChangeRecord* record,
               absl::Span<const absl::string_view> ignored = {});

// RecordChange appends to the change log of `tx` the change `kind` of
// `subject` by the call in `context` at `time`, with the values `before`
// and `after` (see SetValues; fields in `ignored` are left out).
absl::Status RecordChange(storage::Transaction& tx, const CallContext& context, absl::Time time,
                          ChangeSubject subject, customerprofile::v1::ChangeKind kind,
                          const google::protobuf::Message* before,
                          const google::protobuf::Message* after, absl::string_view etag = "",
                          absl::Span<const absl::string_view> ignored = {});

}  // namespace cp::domain
