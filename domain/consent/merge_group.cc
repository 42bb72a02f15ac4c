#include "domain/consent/merge_group.h"

#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "customerprofile/v1/profile.pb.h"

namespace cp::domain {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> MergedMembers(
    storage::Transaction& tx, const std::vector<std::string>& survivor_ids) {
  std::vector<std::pair<std::string, std::string>> members;
  std::map<std::string, std::string> root_of;
  for (const std::string& id : survivor_ids) root_of[id] = id;
  std::vector<std::string> frontier = survivor_ids;
  for (int hop = 0; !frontier.empty() && hop < kMaxMergeHops; ++hop) {
    auto merged = tx.ListMergedProfiles(frontier);
    if (!merged.ok()) return merged.status();
    frontier.clear();
    for (auto& [member, survivor] : *merged) {
      if (root_of.count(member) > 0) continue;
      const std::string root = root_of[survivor];
      root_of[member] = root;
      members.emplace_back(member, root);
      frontier.push_back(member);
    }
  }
  return members;
}

std::vector<storage::ConsentStateRecord> LatestStates(
    std::vector<storage::ConsentStateRecord> states) {
  std::map<std::tuple<std::string, int, std::string>, storage::ConsentStateRecord> latest;
  for (storage::ConsentStateRecord& state : states) {
    auto key =
        std::make_tuple(state.purpose_id, static_cast<int>(state.channel), state.contact_point);
    auto it = latest.find(key);
    if (it == latest.end()) {
      latest.emplace(std::move(key), std::move(state));
    } else if (std::make_pair(state.occur_time, state.sequence) >
               std::make_pair(it->second.occur_time, it->second.sequence)) {
      it->second = std::move(state);
    }
  }
  std::vector<storage::ConsentStateRecord> out;
  out.reserve(latest.size());
  for (auto& [key, state] : latest) out.push_back(std::move(state));
  return out;
}

}  // namespace cp::domain
