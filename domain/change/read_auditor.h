#pragma once

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "customerprofile/v1/profile.pb.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "storage/store.h"

namespace cp::domain {

// ReadAuditor records reads of customers' personal data in their audit
// trails (--audit-pii-reads): one row per profile whose personal data a call
// returned, with the fields read, written in a transaction of its own after
// the read. It turns every such read into a write (a commit, an fsync on
// SQLite), which is why it is off by default. Thread-safe; blocking.
class ReadAuditor {
 public:
  ReadAuditor(storage::Store* store, const Clock* clock);

  // RecordReads records that the call in `context` read `profiles` as they
  // were returned: only those carrying personal data values, only for a
  // caller with pii.read (others got them redacted). A failure fails the
  // read: a read that must be audited is never answered unrecorded.
  absl::Status RecordReads(absl::Span<const customerprofile::v1::Profile* const> profiles,
                           const CallContext& context);

 private:
  storage::Store* const store_;
  const Clock* const clock_;
};

}  // namespace cp::domain
