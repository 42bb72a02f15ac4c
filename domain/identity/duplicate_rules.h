#pragma once

#include <string>
#include <vector>

#include "customerprofile/v1/profile.pb.h"

namespace cp::domain {

// The rules by which two live profiles are taken for the same person, each
// with its weight in a candidate's score. Deterministic and explained: a
// match names its rule and the values it matched on. External ids never
// match: a (system, id) pair belongs to one live profile, and the same
// system with a different id is a different account, not a duplicate.
enum class DuplicateRule {
  // The same email address, compared case-insensitively (EmailAddressKey;
  // the match lists that key). Weight 40.
  kSameEmail,
  // The same phone number (E.164). Weight 30: families share lines.
  kSamePhone,
  // The same given name, family name and birth date (names compared after
  // case and white-space folding). Weight 50.
  kSameNameAndBirthDate,
  // The same family name, postal code and first address line (folded).
  // Weight 35.
  kSameFamilyNameAndAddress,
};

// DuplicateRuleWeight returns the score a match by `rule` adds.
int DuplicateRuleWeight(DuplicateRule rule);

// DuplicateMatch is one rule that matched, with the (normalised) values it
// matched on: the addresses, the numbers, or the folded name parts.
struct DuplicateMatch {
  DuplicateRule rule;
  std::vector<std::string> values;

  bool operator==(const DuplicateMatch&) const = default;
};

// MatchDuplicate returns the rules by which `candidate` duplicates `profile`,
// in the order of DuplicateRule, each at most once (with every matching
// value); empty when it is no duplicate.
std::vector<DuplicateMatch> MatchDuplicate(const customerprofile::v1::Profile& profile,
                                           const customerprofile::v1::Profile& candidate);

// DuplicateScore sums the weights of `matches`, at most 100.
int DuplicateScore(const std::vector<DuplicateMatch>& matches);

}  // namespace cp::domain
