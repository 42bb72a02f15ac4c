#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "customerprofile/v1/profile.pb.h"

namespace cp::domain {

// The rules of merging duplicate profiles into one survivor, and of undoing
// exactly one merge. Pure functions of profiles: the caller reads and writes
// them in one transaction, stores what a merge moved, and keeps the
// before-image of every profile involved.
//
// What a merge does to the survivor:
// - Repeated values (emails, phones, addresses, external ids, tags) are the
//   union of all profiles, deduplicated on their normalised value (the email
//   key, the E.164 number, the folded address, the (system, id) pair, the
//   tag). A value the survivor already holds stays the survivor's; a value
//   only a merged profile holds moves over, from the first merged profile
//   (in request order) holding it. A moved email or phone loses its primary
//   flag when the survivor already has a primary one.
// - Single values (given, family and display name, birth date, language,
//   region) and each attribute key: the survivor's value stays, unless a
//   field choice names the profile whose value wins, or the survivor has none
//   (then the first merged profile that has one gives it).
// Every value that moves is recorded as a MovedValue: the field, the key it
// is found by, the profile it came from, and the value exactly as it landed.

// FieldChoice says which profile's value of a single-valued field (a name,
// birth_date, language_code, region_code) or of one attribute
// ("attributes.<key>") the survivor takes.
struct FieldChoice {
  std::string field;
  // The id of the profile (survivor or merged) whose value wins.
  std::string profile_id;
};

// MovedValue is one value a merge put on the survivor.
struct MovedValue {
  // "emails", "phones", "addresses", "external_ids", "tags", "attributes", or
  // a single-valued field name such as "given_name".
  std::string field;
  // How the value is found on the survivor: the normalised value for a
  // repeated field, the attribute key, "" for a single-valued field.
  std::string key;
  // The id of the merged profile it came from.
  std::string from_profile_id;
  // The value as it landed on the survivor: a profile holding only it (one
  // element of the repeated field, one attribute, or the single field).
  customerprofile::v1::Profile value;
};

// MergePlan is the survivor after a merge and what moved onto it.
struct MergePlan {
  customerprofile::v1::Profile survivor;
  std::vector<MovedValue> moved;
};

// PlanMerge merges `merged` into `survivor` by the rules above and returns
// the new survivor (name, etag and times as `survivor` had them; the caller
// sets them) and the moved values. Profiles are identified by the id in their
// name ("profiles/{id}"). INVALID_ARGUMENT on "field_choices[i].field" for a
// choice naming an unknown or repeated field (or one field twice), and on
// "field_choices[i].profile" for a profile not in the merge. The union may
// exceed a profile's limits: the caller validates the new survivor as any
// write.
absl::StatusOr<MergePlan> PlanMerge(const customerprofile::v1::Profile& survivor,
                                    const std::vector<customerprofile::v1::Profile>& merged,
                                    const std::vector<FieldChoice>& choices);

// UnmergePlan is the survivor after one merge is undone, and the moved
// values that stay on it because they were edited since the merge.
struct UnmergePlan {
  customerprofile::v1::Profile survivor;
  std::vector<MovedValue> kept;
};

// PlanUnmerge undoes the merge that moved `moved` onto the survivor, whose
// image before that merge was `before`, on its `current` state: exactly the
// values that came in through the merge and are still as they landed are
// removed (a single-valued field or attribute goes back to its value in
// `before`); a moved value edited since stays where it is and is listed in
// `kept`, with its current value. Values added or edited on the survivor
// since, and values of other merges, are untouched.
UnmergePlan PlanUnmerge(const customerprofile::v1::Profile& current,
                        const customerprofile::v1::Profile& before,
                        const std::vector<MovedValue>& moved);

// MergeKeyOf returns the normalised value a repeated profile value is
// deduplicated on: the email key, the phone number, the folded address, the
// "system\x1fid" pair or the tag. `field` names the repeated field and
// `index` the element of `profile`.
std::string MergeKeyOf(const customerprofile::v1::Profile& profile, absl::string_view field,
                       int index);

}  // namespace cp::domain
