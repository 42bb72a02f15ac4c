#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "customerprofile/v1/suppression.pb.h"

namespace cp::storage {

// SuppressionListRecord is one stored do-not-contact list.
//
// A list's entries live in generations: the list points at its current
// generation, and only that one is visible to lookups. An import writes a
// new (staging) generation that nobody sees, then publishes it by pointing
// the list at it in one short transaction, so that readers switch from the
// whole old list to the whole new one at once.
struct SuppressionListRecord {
  // The {list} part of "suppressionLists/{list}".
  std::string id;
  // Incremented by every write of the list or its entries; the etag is
  // derived from it.
  int64_t revision = 0;
  std::string display_name;
  std::string source;
  customerprofile::v1::IdentifierKind identifier_kind =
      customerprofile::v1::IDENTIFIER_KIND_UNSPECIFIED;
  // The channels blocked, as customerprofile.v1.Channel numbers.
  std::vector<customerprofile::v1::Channel> channels;
  // The generation whose entries are the list.
  int64_t generation = 0;
  // How many entries the current generation holds.
  int64_t entry_count = 0;
  absl::Time create_time;
  absl::Time update_time;
};

// GenerationState says why a generation other than a list's current one
// exists.
enum class GenerationState {
  // An import is writing it; not yet published.
  kStaging,
  // Replaced or abandoned: its entries are to be deleted.
  kRetired,
};

// GenerationRecord is a generation that is not the current one of a list.
struct GenerationRecord {
  int64_t generation = 0;
  std::string list_id;
  GenerationState state = GenerationState::kStaging;
  // When the import began (staging) or when it was retired.
  absl::Time update_time;
};

// SuppressionMatch is one entry of a current generation found by a lookup.
struct SuppressionMatch {
  std::string list_id;
  std::string identifier;
  // The channels the list blocks.
  std::vector<customerprofile::v1::Channel> channels;
};

// ChannelMask returns the bit set of `channels` (bit c for channel c).
inline int64_t ChannelMask(absl::Span<const customerprofile::v1::Channel> channels) {
  int64_t mask = 0;
  for (customerprofile::v1::Channel channel : channels) mask |= int64_t{1} << channel;
  return mask;
}

// ChannelsOf returns the channels of a bit set, in ascending order.
inline std::vector<customerprofile::v1::Channel> ChannelsOf(int64_t mask) {
  std::vector<customerprofile::v1::Channel> channels;
  for (int c = 1; c < 63; ++c) {
    if ((mask >> c) & 1) channels.push_back(static_cast<customerprofile::v1::Channel>(c));
  }
  return channels;
}

// SortMatches orders matches by identifier, then list id (the order
// FindEntries promises).
inline void SortMatches(std::vector<SuppressionMatch>* matches) {
  std::sort(
      matches->begin(), matches->end(), [](const SuppressionMatch& a, const SuppressionMatch& b) {
        return a.identifier != b.identifier ? a.identifier < b.identifier : a.list_id < b.list_id;
      });
}

// SuppressionRepository persists do-not-contact lists and their entries
// inside a transaction. Identifiers are stored as given: the domain layer
// normalises them first.
class SuppressionRepository {
 public:
  virtual ~SuppressionRepository() = default;

  // GetList returns the list with this id, or nullopt.
  virtual absl::StatusOr<std::optional<SuppressionListRecord>> GetList(absl::string_view id) = 0;

  // LockList is GetList for a write: the list's row stays locked until the
  // transaction ends, so writers of one list (imports publishing, entry
  // changes) go one at a time instead of failing on its revision.
  // FAILED_PRECONDITION in a read-only transaction.
  virtual absl::StatusOr<std::optional<SuppressionListRecord>> LockList(absl::string_view id) = 0;

  // InsertList stores a new list (with an empty generation
  // `record.generation`, which must come from AllocateGeneration and is
  // then no longer staging); ALREADY_EXISTS when the id is taken.
  virtual absl::Status InsertList(const SuppressionListRecord& record) = 0;

  // UpdateList replaces every field of a list when its stored revision
  // equals `expected_revision`; otherwise ABORTED and nothing changes.
  virtual absl::Status UpdateList(const SuppressionListRecord& record,
                                  int64_t expected_revision) = 0;

  // DeleteList removes `list` (as read, e.g. by LockList) when its stored
  // revision is still list.revision (ABORTED otherwise) and retires all its
  // generations, whose entries DeleteEntries removes later.
  virtual absl::Status DeleteList(const SuppressionListRecord& list, absl::Time now) = 0;

  // ListLists returns at most `limit` lists with ids greater than
  // `after_id`, by id.
  virtual absl::StatusOr<std::vector<SuppressionListRecord>> ListLists(absl::string_view after_id,
                                                                       int limit) = 0;

  // AllocateGeneration returns a new generation number for `list_id`,
  // greater than every one allocated before, recorded as staging since
  // `now`.
  virtual absl::StatusOr<int64_t> AllocateGeneration(absl::string_view list_id, absl::Time now) = 0;

  // RetireGeneration records that a generation of `list_id` (staging, or
  // the list's current one being replaced) is to be deleted.
  // ForgetGeneration drops the record of one that is now current or whose
  // entries are all gone.
  virtual absl::Status RetireGeneration(absl::string_view list_id, int64_t generation,
                                        absl::Time now) = 0;
  virtual absl::Status ForgetGeneration(int64_t generation) = 0;

  // ListGenerations returns every recorded (staging or retired) generation.
  virtual absl::StatusOr<std::vector<GenerationRecord>> ListGenerations() = 0;

  // InsertEntries adds `identifiers` to a generation, skipping those it
  // already holds, and returns how many were new.
  virtual absl::StatusOr<int64_t> InsertEntries(absl::string_view list_id, int64_t generation,
                                                absl::Span<const std::string> identifiers) = 0;

  // CopyEntries adds the entries of generation `from` to generation `to`
  // of the same list, skipping those `to` already holds, and returns how
  // many were new.
  virtual absl::StatusOr<int64_t> CopyEntries(absl::string_view list_id, int64_t from,
                                              int64_t to) = 0;

  // DeleteEntries removes up to `limit` entries of a generation and
  // returns how many it removed (fewer than `limit`: the generation is
  // empty now).
  virtual absl::StatusOr<int64_t> DeleteEntries(absl::string_view list_id, int64_t generation,
                                                int64_t limit) = 0;

  // RemoveEntry removes one identifier from a generation and tells whether
  // it was there.
  virtual absl::StatusOr<bool> RemoveEntry(absl::string_view list_id, int64_t generation,
                                           absl::string_view identifier) = 0;

  // CountEntries returns how many entries a generation holds.
  virtual absl::StatusOr<int64_t> CountEntries(absl::string_view list_id, int64_t generation) = 0;

  // FindEntries returns the entries of current generations whose identifier
  // is one of `identifiers`, restricted to lists blocking a channel of
  // `channel_mask` (0: any) and to `list_id` (empty: any), in one
  // consistent read. Ordered by identifier, then list id.
  virtual absl::StatusOr<std::vector<SuppressionMatch>> FindEntries(
      absl::Span<const std::string> identifiers, int64_t channel_mask,
      absl::string_view list_id) = 0;
};

}  // namespace cp::storage
