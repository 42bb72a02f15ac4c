#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "storage/transaction.h"

namespace cp::domain {

// TimelineMover moves interactions between profiles for a merge and an
// unmerge, keeping their insights exact. The profile aggregate owns this
// interface; the timeline (domain/interaction) implements it.
class TimelineMover {
 public:
  virtual ~TimelineMover() = default;

  // MoveTimeline gives every interaction of `from` to `to` inside `tx`,
  // appends their ids to `moved`, and rewrites both profiles' insights.
  virtual absl::Status MoveTimeline(storage::Transaction& tx, const std::string& from,
                                    const std::string& to, std::vector<std::string>* moved) = 0;
  // MoveBack gives back to `to` the interactions `ids` that still belong to
  // `from`, and rewrites both profiles' insights.
  virtual absl::Status MoveBack(storage::Transaction& tx, const std::vector<std::string>& ids,
                                const std::string& from, const std::string& to) = 0;
};

}  // namespace cp::domain
