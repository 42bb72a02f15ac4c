#pragma once

#include <cstdint>
#include <string>

namespace cp::bench {

// LoadOptions configures `profile-bench load`.
struct LoadOptions {
  // "sqlite:PATH" or "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE" (also
  // "?socket=..."); without a password in the URI it comes from
  // $PROFILE_SERVER_MYSQL_PASSWORD, as for profile-server.
  std::string store;
  // Profiles written, with ids id_prefix + 0000001 ... count.
  int64_t count = 100000;
  std::string id_prefix;
  // Profiles per transaction.
  int batch = 1000;
  // Transactions prepared and written at once; 0 picks 2 for SQLite (one
  // builds a batch while the other writes) and 4 for MySQL.
  int threads = 0;
  // Where the ids go, one a line; stdout when empty.
  std::string ids_file;
  // Also makes the consent benchmark's data: the purpose kBenchPurpose
  // (SMS and email), a granted SMS consent for every profile, and the
  // do-not-contact list kBenchRegister (SMS) holding the phone number of
  // every 100th profile.
  bool consents = false;
};

// The purpose and register `load --consents` creates.
inline constexpr char kBenchPurpose[] = "bench-offers";
inline constexpr char kBenchRegister[] = "bench-register";

// LoadCommand fills a fresh store: it migrates the schema, checks that the
// first bench id is not taken yet, then writes `count` realistic profiles
// (validated and normalised as CreateProfile would) straight through the
// storage API in transactions of `batch`, and prints the ids and a summary
// line on stderr. Returns the process exit code: 0, 1 when the store fails,
// 2 on bad options.
int LoadCommand(const LoadOptions& options);

}  // namespace cp::bench
