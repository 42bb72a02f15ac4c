#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>

#include "absl/status/status.h"
#include "client/interaction_importer.h"
#include "client/profile_client.h"

namespace cp::client {

// ImportProfilesOptions configures ImportProfiles.
struct ImportProfilesOptions {
  // Lines read before their calls are made, `concurrency` at a time.
  int batch = 100;
  int concurrency = 8;
  // Called after every batch (may be empty).
  std::function<void(const ImportProgress&)> progress;
};

// ImportProfiles reads `file`, one profile a line in JSON (blank lines
// skipped), and creates each with CreateProfile, a batch at a time, as it
// reads. A line is either a CreateProfileRequest ({"profileId": "ada",
// "profile": {...}}) or a Profile as ExportProfiles writes it (its name
// gives the id; its output-only fields are dropped). Each line succeeds or
// fails on its own. Every call carries a request id: the line's own, or one
// derived from the line's text, so that running an import again answers the
// lines already imported as replays instead of creating them twice.
// `recorded` in the summary counts the profiles created (or replayed).
ImportSummary ImportProfiles(ProfileClient& client, std::istream& file,
                             const ImportProfilesOptions& options);

// ExportProgress is how far an export is.
struct ExportProgress {
  int64_t profiles = 0;
  absl::Duration elapsed;
};

// ExportProfilesOptions configures ExportProfiles.
struct ExportProfilesOptions {
  int page_size = 1000;
  // As ListProfiles takes them.
  std::string filter;
  bool show_deleted = false;
  // Called after every page (may be empty).
  std::function<void(const ExportProgress&)> progress;
};

// ExportProfiles writes every profile ListProfiles returns to `out`, one
// compact JSON line each, page by page, and returns how many; a failed page
// ends it with that page's status (what was written stays written).
absl::StatusOr<int64_t> ExportProfiles(ProfileClient& client, std::ostream& out,
                                       const ExportProfilesOptions& options);

}  // namespace cp::client
