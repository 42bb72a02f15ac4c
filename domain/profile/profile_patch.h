#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "customerprofile/v1/profile.pb.h"
#include "google/protobuf/field_mask.pb.h"

namespace cp::domain {

// EffectiveUpdatePaths returns the writable paths an update applies
// (AIP-134): with no mask, every populated writable field of `profile`; with
// "*", every writable field; otherwise the mask's writable paths (output-only
// paths dropped). The mask must have been validated.
std::vector<std::string> EffectiveUpdatePaths(const google::protobuf::FieldMask* mask,
                                              const customerprofile::v1::Profile& profile);

// ExtractPatch returns a profile holding only the fields of `source` named
// by `paths` (so that only they are validated).
customerprofile::v1::Profile ExtractPatch(const customerprofile::v1::Profile& source,
                                          const std::vector<std::string>& paths);

// ApplyPatch sets every field named by `paths` in `target` to its value in
// `patch` (repeated fields and maps are replaced whole; "attributes.<key>"
// sets or removes that one key).
void ApplyPatch(const customerprofile::v1::Profile& patch, const std::vector<std::string>& paths,
                customerprofile::v1::Profile* target);

// IsOutputOnlyProfilePath tells whether `path` names an output-only field
// of a Profile (ignored in an update mask, AIP-161).
bool IsOutputOnlyProfilePath(absl::string_view path);

// WritableProfilePaths lists the top-level writable fields of a Profile.
const std::vector<std::string>& WritableProfilePaths();

}  // namespace cp::domain
