#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "customerprofile/v1/change_service.pb.h"
#include "domain/change/change_tail.h"
#include "domain/change/resume_token.h"
#include "domain/common/call_context.h"
#include "domain/common/clock.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/store.h"

namespace cp::domain {

// ChangeFeedOptions sets the feed's retention and page sizes.
struct ChangeFeedOptions {
  // How long changes stay in the feed (--change-retention); a position
  // older than this is RESUME_TOKEN_EXPIRED.
  absl::Duration retention = absl::Hours(24 * 7);
  // How long the audit trail keeps changes about a customer
  // (--audit-retention); InfiniteDuration: for ever. A change stays at least
  // as long as the feed needs it.
  absl::Duration audit_retention = absl::InfiniteDuration();
  int default_page_size = 100;
  int max_page_size = 1000;
};

// FeedFilter selects changes: by resource type (empty: all) and customer
// (empty: all).
struct FeedFilter {
  std::vector<int> resource_types;
  std::string profile_id;
};

// FeedPage is what one read of the feed found: the changes, in order, and
// the position after them (after the last change, or the head of the feed
// when the read reached it).
struct FeedPage {
  std::vector<customerprofile::v1::Change> changes;
  FeedPosition position;
  // More changes are ready past `position`.
  bool more = false;
};

// ChangeFeed reads the change log as one ordered feed (ChangeService): from
// a resume token, a time or now, filtered, up to the tail's resolved head
// and never beyond it, so that resuming from a change's token delivers
// exactly the changes after it. Thread-safe; blocking.
class ChangeFeed {
 public:
  ChangeFeed(storage::Store* store, const Clock* clock, ChangeTail* tail,
             ChangeFeedOptions options = {});

  // ParseFilter checks a request's resource types and profile name.
  static absl::StatusOr<FeedFilter> ParseFilter(
      const google::protobuf::RepeatedField<int>& resource_types, absl::string_view profile);

  // Start returns where a call starts: after the change a resume token names,
  // before the first change at or after `start_time`, or (neither) at the
  // head. INVALID_ARGUMENT for both, a malformed token or a future time;
  // FAILED_PRECONDITION RESUME_TOKEN_EXPIRED (or START_TIME_EXPIRED) for a
  // position older than the retention.
  absl::StatusOr<FeedPosition> Start(absl::string_view resume_token,
                                     const google::protobuf::Timestamp* start_time,
                                     absl::Time deadline);

  // Read returns at most `limit` changes after `from` that `filter` selects,
  // up to the tail's head (advanced first when `advance`).
  absl::StatusOr<FeedPage> Read(const FeedPosition& from, const FeedFilter& filter, int limit,
                                bool advance, absl::Time deadline);

  // ListChanges is ChangeService.ListChanges.
  absl::StatusOr<customerprofile::v1::ListChangesResponse> ListChanges(
      const customerprofile::v1::ListChangesRequest& request, const CallContext& context);

  // CheckRetention fails with RESUME_TOKEN_EXPIRED when `position` is older
  // than the retention.
  absl::Status CheckRetention(const FeedPosition& position) const;

  // Prune deletes at most `limit` rows past their retention; returns how
  // many.
  absl::StatusOr<int> Prune(int limit, absl::Time deadline);

  // tail is the tail the feed reads up to.
  ChangeTail* tail() const { return tail_; }
  // Now is the feed clock's time.
  absl::Time Now() const { return clock_->Now(); }

 private:
  storage::Store* const store_;
  const Clock* const clock_;
  ChangeTail* const tail_;
  const ChangeFeedOptions options_;
};

// ToChange is the API view of a stored change, with its resume token.
customerprofile::v1::Change ToChange(const storage::ChangeRecord& record);

}  // namespace cp::domain
