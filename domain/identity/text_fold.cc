#include "domain/identity/text_fold.h"

#include "storage/match_keys.h"

namespace cp::domain {

// One rule for the duplicate index and the duplicate and merge rules: see
// storage/match_keys.h.
std::string FoldCaseAndSpace(absl::string_view text) { return storage::FoldCaseAndSpace(text); }

}  // namespace cp::domain
