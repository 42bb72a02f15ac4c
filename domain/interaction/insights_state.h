#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "customerprofile/internal/v1/insights_state.pb.h"
#include "customerprofile/v1/interaction.pb.h"

namespace cp::domain {

using InsightsState = ::customerprofile::internal::v1::InsightsState;

// The preferred inbound channel is the one used most over this window up to
// the latest interaction.
inline constexpr int64_t kPreferenceWindowMicros = int64_t{365} * 24 * 3600 * 1000000;

// WindowExit is the occur_time range [from_micros, to_micros) that leaves
// the preference window when interactions are added: the window slides
// forward with the latest interaction.
struct WindowExit {
  int64_t from_micros = 0;
  int64_t to_micros = 0;
};

// WindowExitOf returns the range that leaves the window of `state` when
// `added` join its timeline, or nullopt when none does (the latest time
// does not move, or nothing was in the window).
std::optional<WindowExit> WindowExitOf(const InsightsState& state,
                                       const std::vector<customerprofile::v1::Interaction>& added);

// ApplyRecorded updates `state` for interactions `added` to its timeline.
// `exited` holds, per channel number, how many INBOUND interactions stored
// before `added` fall in WindowExitOf(state, added) (empty when that is
// nullopt). The result equals StateOf the whole new timeline.
void ApplyRecorded(const std::vector<customerprofile::v1::Interaction>& added,
                   const std::map<int, int64_t>& exited, InsightsState* state);

// StateOf is the state of a whole timeline, in any order.
InsightsState StateOf(const std::vector<customerprofile::v1::Interaction>& timeline);

}  // namespace cp::domain
