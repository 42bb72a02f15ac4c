#include "storage/migration.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cp::storage {

absl::Status CheckMigrationsApplied(absl::string_view store, const std::vector<Migration>& known,
                                    const std::set<int>& applied) {
  int newest_known = 0;
  for (const Migration& migration : known) newest_known = std::max(newest_known, migration.version);
  if (!applied.empty() && *applied.rbegin() > newest_known) {
    return absl::FailedPreconditionError(
        absl::StrCat(store, " has schema migration ", *applied.rbegin(),
                     ", newer than this binary knows (", newest_known, "); upgrade the binary"));
  }
  std::vector<std::string> missing;
  for (const Migration& migration : known) {
    if (applied.count(migration.version) == 0) {
      missing.push_back(absl::StrCat(migration.version, " (", migration.name, ")"));
    }
  }
  if (missing.empty()) return absl::OkStatus();
  std::string what = applied.empty()
                         ? absl::StrCat(store, " has no schema yet")
                         : absl::StrCat(store, " lacks migration", missing.size() == 1 ? " " : "s ",
                                        absl::StrJoin(missing, ", "));
  return absl::FailedPreconditionError(
      absl::StrCat("schema not migrated: ", what, "; ", kRunMigrationsHint));
}

}  // namespace cp::storage
