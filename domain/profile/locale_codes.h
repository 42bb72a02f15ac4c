#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace cp::domain {

// CanonicalRegionCode returns `code` in upper case when it is an ISO 3166-1
// alpha-2 country code known to ICU (in any case, e.g. "no" -> "NO"), else
// nullopt.
std::optional<std::string> CanonicalRegionCode(absl::string_view code);

// CanonicalLanguageTag returns the canonical form of the BCP 47 language tag
// `tag` (e.g. "nb-no" -> "nb-NO", "iw" -> "he"), or nullopt when `tag` is
// not a well-formed tag of at most 64 characters whose primary language is an
// ISO 639 language known to ICU.
std::optional<std::string> CanonicalLanguageTag(absl::string_view tag);

}  // namespace cp::domain
