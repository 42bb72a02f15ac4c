#pragma once

#include <functional>
#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "client/interaction_importer.h"
#include "client/options.h"
#include "customerprofile/v1/suppression_service.pb.h"

namespace cp::client {

// ImportRegisterOptions configures ImportRegister.
struct ImportRegisterOptions {
  // "suppressionLists/{list}" (or just the id).
  std::string list;
  customerprofile::v1::ImportMode mode = customerprofile::v1::IMPORT_MODE_REPLACE;
  // Lines per stream message.
  int chunk = 10000;
  // Called after each message sent, with the lines and bytes read so far
  // (recorded: the lines sent); none when empty.
  std::function<void(const ImportProgress&)> progress;
};

// ImportRegister streams a register's plain file (one identifier a line,
// as Brønnøysundregistrene and similar registers publish them) into a
// suppression list with ImportSuppressionEntries, a chunk of lines per
// message, reading `file` as it goes. The connection options (endpoint,
// credentials, metadata) are those of the profile client; `timeout` bounds
// the whole stream. Not retried: a failed import changes nothing, so it can
// simply be run again.
absl::StatusOr<customerprofile::v1::ImportSuppressionEntriesResponse> ImportRegister(
    const Options& connection, const ImportRegisterOptions& options, std::istream& file);

}  // namespace cp::client
