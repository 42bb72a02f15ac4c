#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/identity/merge_survivor.h"
#include "storage/consent_repository.h"
#include "storage/transaction.h"

// Consent over a merge: the survivor of a merge answers for the profiles
// merged into it, and their ledger events count as its own (each keeping
// its origin profile). Register entries are not profiles' and are not
// affected.
namespace cp::domain {

// MergedMembers returns every profile merged into `survivor_ids`, directly
// or through a profile merged into them, as (member id, survivor id of the
// list it belongs to).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> MergedMembers(
    storage::Transaction& tx, const std::vector<std::string>& survivor_ids);

// LatestStates keeps, per purpose x channel x contact point, the state whose
// deciding event is latest (occur_time, then record sequence): the ledger's
// own rule, applied over the states of several profiles.
std::vector<storage::ConsentStateRecord> LatestStates(
    std::vector<storage::ConsentStateRecord> states);

}  // namespace cp::domain
