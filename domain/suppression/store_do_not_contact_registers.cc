#include "domain/suppression/store_do_not_contact_registers.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "domain/consent/consent_names.h"
#include "domain/suppression/suppression_identifier.h"

namespace cp::domain {
namespace {

// Identifiers per lookup statement: well below SQLite's parameter limit.
constexpr size_t kLookupChunk = 4096;

}  // namespace

absl::StatusOr<std::vector<std::optional<SuppressionHit>>>
StoreDoNotContactRegisters::FindSuppressions(
    storage::Transaction& tx, customerprofile::v1::Channel channel,
    absl::Span<const std::vector<std::string>> identifiers) {
  std::vector<std::optional<SuppressionHit>> hits(identifiers.size());
  std::vector<std::vector<std::string>> keys_of(identifiers.size());
  std::vector<std::string> keys;
  for (size_t i = 0; i < identifiers.size(); ++i) {
    keys_of[i] = SuppressionIdentifiers::ContactPointKeys(identifiers[i]);
    keys.insert(keys.end(), keys_of[i].begin(), keys_of[i].end());
  }
  if (keys.empty()) return hits;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  // The first list (by id) holding each key.
  absl::flat_hash_map<std::string, std::string> list_of;
  int64_t mask = storage::ChannelMask({channel});
  for (size_t start = 0; start < keys.size(); start += kLookupChunk) {
    size_t count = std::min(kLookupChunk, keys.size() - start);
    auto matches =
        tx.suppressions().FindEntries(absl::MakeConstSpan(keys).subspan(start, count), mask, "");
    if (!matches.ok()) return matches.status();
    for (storage::SuppressionMatch& match : *matches) {
      list_of.try_emplace(std::move(match.identifier), std::move(match.list_id));
    }
  }
  if (list_of.empty()) return hits;
  for (size_t i = 0; i < identifiers.size(); ++i) {
    for (const std::string& key : keys_of[i]) {
      auto it = list_of.find(key);
      if (it == list_of.end()) continue;
      hits[i] = SuppressionHit{SuppressionListName(it->second), key};
      break;
    }
  }
  return hits;
}

}  // namespace cp::domain
