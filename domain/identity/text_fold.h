#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace cp::domain {

// FoldCaseAndSpace returns `text` with Unicode case folding applied and every
// run of white space collapsed into one space, trimmed: the form in which
// names and address lines are compared when matching and merging profiles
// ("STORGATA  1" and "Storgata 1" fold alike; so do "Ærø" and "ærø").
std::string FoldCaseAndSpace(absl::string_view text);

}  // namespace cp::domain
