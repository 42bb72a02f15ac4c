#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "customerprofile/v1/merge.pb.h"

namespace cp::storage {

// MergeRecord is one stored merge of profiles into a survivor. The store
// persists `merge` whole and indexes the columns it is read by.
struct MergeRecord {
  // The {survivor} and {merge} parts of the merge's name.
  std::string survivor_id;
  std::string merge_id;
  // Whether the merge is in effect (APPLIED) rather than undone.
  bool applied = true;
  // When it was made; merges of one survivor are listed newest first by
  // (create_time, merge_id).
  absl::Time create_time;
  customerprofile::v1::Merge merge;
};

// MergeCursor is the position after which ListMerges goes on (newest first).
struct MergeCursor {
  absl::Time create_time;
  std::string merge_id;
};

// MergeRepository persists merges inside a transaction.
class MergeRepository {
 public:
  virtual ~MergeRepository() = default;

  // InsertMerge stores a new merge; ALREADY_EXISTS when its id is taken.
  virtual absl::Status InsertMerge(const MergeRecord& record) = 0;
  // UpdateMerge replaces a stored merge (state and data); NOT_FOUND when
  // there is none.
  virtual absl::Status UpdateMerge(const MergeRecord& record) = 0;
  // GetMerge returns one merge, or nullopt.
  virtual absl::StatusOr<std::optional<MergeRecord>> GetMerge(absl::string_view survivor_id,
                                                              absl::string_view merge_id) = 0;
  // ListMerges returns at most `limit` merges into `survivor_id`, newest
  // first (ties: descending merge id), after `after` when set.
  virtual absl::StatusOr<std::vector<MergeRecord>> ListMerges(
      absl::string_view survivor_id, const std::optional<MergeCursor>& after, int limit) = 0;
  // ListAppliedMerges returns every merge into `survivor_id` still in
  // effect, newest first.
  virtual absl::StatusOr<std::vector<MergeRecord>> ListAppliedMerges(
      absl::string_view survivor_id) = 0;
};

}  // namespace cp::storage
