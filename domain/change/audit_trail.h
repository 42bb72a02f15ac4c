#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "customerprofile/v1/audit_service.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/paging.h"
#include "google/protobuf/message.h"
#include "storage/store.h"

namespace cp::domain {

// AuditTrail answers who did what to one customer (AuditService): the rows
// of the change log about the profile, newest first, each with the values
// before and after of every field it changed. Values of fields that hold
// personal data (FieldHoldsPii) are shown only to a caller with pii.read;
// others learn that the field changed, not from what to what. Nothing here
// changes or deletes an audit event. Thread-safe; blocking.
class AuditTrail {
 public:
  AuditTrail(storage::Store* store, PagingOptions paging);

  // ListAuditEvents is AuditService.ListAuditEvents: NOT_FOUND for a
  // profile that never existed (a deleted or merged one keeps its trail).
  absl::StatusOr<customerprofile::v1::ListAuditEventsResponse> ListAuditEvents(
      const customerprofile::v1::ListAuditEventsRequest& request, const CallContext& context);

 private:
  storage::Store* const store_;
  const PagingOptions paging_;
};

// ToAuditEvent is the API view of a stored change about a customer, its
// personal data values hidden unless `show_pii`.
customerprofile::v1::AuditEvent ToAuditEvent(const storage::ChangeRecord& record, bool show_pii);

// NewResourceMessage returns an empty message of the resource type a
// change is about (a ChangeResourceType number), or null for an unknown
// type.
std::unique_ptr<google::protobuf::Message> NewResourceMessage(int resource_type);

}  // namespace cp::domain
