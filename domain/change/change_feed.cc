#include "domain/change/change_feed.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/common/errors.h"
#include "domain/common/paging.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::Transaction;
using storage::TransactionMode;

// Pruning leaves this much beyond the retention, so that a position just
// inside it never finds the changes after it pruned by a server whose clock
// runs slightly ahead.
constexpr absl::Duration kPruneMargin = absl::Minutes(5);

}  // namespace

v1::Change ToChange(const storage::ChangeRecord& record) {
  v1::Change change;
  change.set_sequence(record.sequence);
  change.set_resume_token(EncodeResumeToken({record.sequence, record.change_time}));
  change.set_resource_name(record.resource_name);
  change.set_resource_type(static_cast<v1::ChangeResourceType>(record.resource_type));
  change.set_kind(static_cast<v1::ChangeKind>(record.kind));
  if (!record.profile_id.empty()) change.set_profile(ProfileName(record.profile_id));
  *change.mutable_field_paths() = record.details.field_paths();
  change.set_etag(record.details.etag());
  *change.mutable_commit_time() = ToProtoTime(record.change_time);
  change.set_app_id(record.app_id);
  change.set_actor(record.actor);
  change.set_request_id(record.details.request_id());
  return change;
}

ChangeFeed::ChangeFeed(storage::Store* store, const Clock* clock, ChangeTail* tail,
                       ChangeFeedOptions options)
    : store_(store), clock_(clock), tail_(tail), options_(options) {}

absl::StatusOr<FeedFilter> ChangeFeed::ParseFilter(
    const google::protobuf::RepeatedField<int>& resource_types, absl::string_view profile) {
  FieldViolations violations;
  FeedFilter filter;
  for (int i = 0; i < resource_types.size(); ++i) {
    const int type = resource_types.Get(i);
    if (type == v1::CHANGE_RESOURCE_TYPE_UNSPECIFIED || !v1::ChangeResourceType_IsValid(type)) {
      violations.Add(absl::StrCat("resource_types[", i, "]"),
                     "must be a ChangeResourceType other than UNSPECIFIED");
      continue;
    }
    if (std::find(filter.resource_types.begin(), filter.resource_types.end(), type) ==
        filter.resource_types.end()) {
      filter.resource_types.push_back(type);
    }
  }
  if (!profile.empty()) {
    absl::StatusOr<std::string> id = ParseProfileName(profile, "profile");
    if (id.ok()) {
      filter.profile_id = *std::move(id);
    } else {
      violations.AddAll(id.status());
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return filter;
}

absl::Status ChangeFeed::CheckRetention(const FeedPosition& position) const {
  if (position.time < clock_->Now() - options_.retention) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "RESUME_TOKEN_EXPIRED",
                     absl::StrCat("the resume token is older than the change retention (",
                                  absl::FormatDuration(options_.retention),
                                  "): read the current state again, then watch from now"));
  }
  return absl::OkStatus();
}

absl::StatusOr<FeedPosition> ChangeFeed::Start(absl::string_view resume_token,
                                               const google::protobuf::Timestamp* start_time,
                                               absl::Time deadline) {
  const absl::Time now = clock_->Now();
  if (!resume_token.empty() && start_time != nullptr) {
    return InvalidField("start_time", "give at most one of resume_token and start_time");
  }
  if (!resume_token.empty()) {
    absl::StatusOr<FeedPosition> position = DecodeResumeToken(resume_token, "resume_token");
    if (!position.ok()) return position.status();
    if (absl::Status s = CheckRetention(*position); !s.ok()) return s;
    return position;
  }
  if (start_time != nullptr) {
    const absl::Time time = FromProtoTime(*start_time);
    if (time > now) return InvalidField("start_time", "must not be in the future");
    if (time < now - options_.retention) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "START_TIME_EXPIRED",
                       absl::StrCat("start_time is older than the change retention (",
                                    absl::FormatDuration(options_.retention), ")"));
    }
    absl::StatusOr<int64_t> head = tail_->Advance(deadline);
    if (!head.ok()) return head.status();
    std::optional<int64_t> first;
    absl::Status status = store_->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
      absl::StatusOr<std::optional<int64_t>> found = tx.changes().FirstSequenceSince(time);
      if (!found.ok()) return found.status();
      first = *found;
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    const int64_t after = first.has_value() ? std::min(*first - 1, *head) : *head;
    return FeedPosition{after, time};
  }
  absl::StatusOr<int64_t> head = tail_->Advance(deadline);
  if (!head.ok()) return head.status();
  return FeedPosition{*head, now};
}

absl::StatusOr<FeedPage> ChangeFeed::Read(const FeedPosition& from, const FeedFilter& filter,
                                          int limit, bool advance, absl::Time deadline) {
  int64_t head = tail_->head();
  if (advance || head < 0) {
    absl::StatusOr<int64_t> advanced = tail_->Advance(deadline);
    if (!advanced.ok()) return advanced.status();
    head = *advanced;
  }
  FeedPage page;
  page.position = from;
  if (head <= from.sequence) return page;
  storage::ChangeQuery query;
  query.after_sequence = from.sequence;
  query.through_sequence = head;
  query.resource_types = filter.resource_types;
  query.profile_id = filter.profile_id;
  query.limit = limit;
  std::vector<storage::ChangeRecord> records;
  absl::Status status = store_->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
    absl::StatusOr<std::vector<storage::ChangeRecord>> found = tx.changes().ListChanges(query);
    if (!found.ok()) return found.status();
    records = *std::move(found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (const storage::ChangeRecord& record : records) page.changes.push_back(ToChange(record));
  if (static_cast<int>(records.size()) == limit) {
    page.position = {records.back().sequence, records.back().change_time};
    page.more = records.back().sequence < head;
  } else {
    // Everything up to the head was read: the position moves there, so that
    // a filtered reader's token does not age while nothing matches.
    page.position = {head, clock_->Now()};
  }
  return page;
}

absl::StatusOr<v1::ListChangesResponse> ChangeFeed::ListChanges(
    const v1::ListChangesRequest& request, const CallContext& context) {
  FieldViolations violations;
  PagingOptions paging{options_.default_page_size, options_.max_page_size};
  const int page_size = ResolvePageSize(request.page_size(), paging, context, &violations);
  absl::StatusOr<FeedFilter> filter = ParseFilter(request.resource_types(), request.profile());
  if (!filter.ok()) violations.AddAll(filter.status());
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<FeedPosition> start =
      Start(request.resume_token(), request.has_start_time() ? &request.start_time() : nullptr,
            context.deadline);
  if (!start.ok()) return start.status();
  absl::StatusOr<FeedPage> page =
      Read(*start, *filter, page_size, /*advance=*/true, context.deadline);
  if (!page.ok()) return page.status();
  v1::ListChangesResponse response;
  for (v1::Change& change : page->changes) *response.add_changes() = std::move(change);
  response.set_resume_token(EncodeResumeToken(page->position));
  response.set_more_available(page->more);
  return response;
}

absl::StatusOr<int> ChangeFeed::Prune(int limit, absl::Time deadline) {
  const absl::Time now = clock_->Now();
  const absl::Time feed_cutoff = now - options_.retention - kPruneMargin;
  // A change about a customer stays for the longer of the two retentions.
  const absl::Time audit_cutoff = options_.audit_retention == absl::InfiniteDuration()
                                      ? absl::InfinitePast()
                                      : std::min(feed_cutoff, now - options_.audit_retention);
  int deleted = 0;
  absl::Status status = store_->Run(TransactionMode::kReadWrite, deadline, [&](Transaction& tx) {
    absl::StatusOr<int> pruned = tx.changes().PruneChanges(feed_cutoff, audit_cutoff, limit);
    if (!pruned.ok()) return pruned.status();
    deleted = *pruned;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return deleted;
}

}  // namespace cp::domain
