#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "customerprofile/v1/profile.pb.h"

// The keys the duplicate index holds for a profile. Storage writes them with
// every profile write (as contact point rows of kind "match") and looks
// candidates up by them; the domain's duplicate rules
// (domain/identity/duplicate_rules.h) then decide, on the whole profiles,
// which candidates match and why. The folding rule lives here, below both,
// so that the index and the rules cannot drift apart.
namespace cp::storage {

// FoldCaseAndSpace returns `text` with Unicode case folding applied and every
// run of white space collapsed into one space, trimmed: the form in which
// names and address lines are compared when matching and merging profiles
// ("STORGATA  1" and "Storgata 1" fold alike; so do "Ærø" and "ærø").
std::string FoldCaseAndSpace(absl::string_view text);

// The longest key, in bytes: a longer one is cut at a UTF-8 boundary (equal
// inputs still give equal keys, so no candidate is lost; a few more may be
// found, and the rules sort them out).
inline constexpr size_t kMaxMatchKeyBytes = 500;

// MatchKeysOf returns the duplicate index keys of `profile`, sorted and
// unique: "n" + folded given name, family name and birth date when all three
// are set (the same-name-and-birth-date rule), and "a" + folded family name,
// postal code and first address line for each address that has both (the
// same-family-name-and-address rule).
std::vector<std::string> MatchKeysOf(const customerprofile::v1::Profile& profile);

}  // namespace cp::storage
