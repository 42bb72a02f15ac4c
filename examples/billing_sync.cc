// example-billing-sync: billing sends a customer's new billing address.
//
// Billing knows its customers by its own account id, which the profile holds
// as the external id ("billing", ACCOUNT). The sync
//   1. finds the profile by that external id (LookupProfiles) and keeps the
//      etag it read;
//   2. replaces the profile's billing address, leaving its other addresses
//      as they are, and writes only `addresses` (update_mask) with that etag;
//   3. when somebody else changed the profile between the read and the write
//      the server answers ABORTED (reason ETAG_MISMATCH) and changes nothing:
//      the sync reads the profile again, re-applies its change to what it
//      read, and writes again (at most --max_attempts times, with backoff).
// Writing the whole address list without the etag would silently drop an
// address that the customer added meanwhile.
//
// The connection retries UNAVAILABLE by itself (an update with an etag is
// safe to repeat); ABORTED is an answer only the app can act on. A write
// that is already in place is not repeated, so rerunning the sync is safe.
//
//   example-billing-sync --billing_id=ACC-1042 --address_lines="Storgata 1" --postal_code=0155
//
// (--endpoint=HOST:PORT, default 127.0.0.1:50051; --city and --country
// complete the address.)
//
// --pause_before_write waits for Enter between the first read and its write,
// so that you can change the profile meanwhile (from another terminal) and
// watch the retry. Exits 0 when the profile has the address, 1 on any
// failure. With an --auth-config server, put billing's key in
// CUSTOMERPROFILE_TOKEN.
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/error_details.h"
#include "client/options.h"
#include "client/profile_client.h"
#include "client/profile_stub_connection.h"
#include "client/retry_policy.h"

ABSL_FLAG(std::string, endpoint, "127.0.0.1:50051", "The profile service, HOST:PORT.");
ABSL_FLAG(std::string, billing_id, "", "The customer's account id in billing. Required.");
ABSL_FLAG(std::vector<std::string>, address_lines, {},
          "The street lines, comma-separated, most significant first. Required.");
ABSL_FLAG(std::string, postal_code, "", "The postal code.");
ABSL_FLAG(std::string, city, "", "The city or town.");
ABSL_FLAG(std::string, country, "NO", "The ISO 3166-1 country code.");
ABSL_FLAG(int, max_attempts, 5, "Read-modify-write attempts before giving up.");
ABSL_FLAG(bool, pause_before_write, false,
          "Wait for Enter between the first read and its write (to provoke a conflict).");

namespace {

namespace v1 = customerprofile::v1;

// Fail prints what failed with the server's code, reason and bad fields, and
// returns the exit code 1.
int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "billing-sync: " << what << ": " << cp::client::DescribeError(status);
  return 1;
}

// ConnectionOptions: the endpoint, and the app's credential, if any, from
// the environment (never from the command line, where `ps` shows it).
cp::client::Options ConnectionOptions() {
  cp::client::Options options{.endpoint = absl::GetFlag(FLAGS_endpoint),
                              .timeout = absl::Seconds(10)};
  if (const char* token = std::getenv("CUSTOMERPROFILE_TOKEN"); token && *token) {
    options.metadata.emplace_back("authorization", absl::StrCat("Bearer ", token));
  }
  return options;
}

// FindByBillingId returns the live profile holding the external id
// ("billing", id); at most one can. NOT_FOUND when none does.
absl::StatusOr<v1::Profile> FindByBillingId(cp::client::ProfileClient& profiles,
                                            const std::string& id) {
  v1::LookupProfilesRequest lookup;
  lookup.mutable_external_id()->set_system("billing");
  lookup.mutable_external_id()->set_id(id);
  absl::StatusOr<v1::LookupProfilesResponse> found = profiles.LookupProfiles(lookup);
  if (!found.ok()) return found.status();
  if (found->profiles().empty()) {
    return absl::NotFoundError(absl::StrCat("no customer has billing id ", id));
  }
  return found->profiles(0);
}

// WithBillingAddress returns `profile`'s addresses with `billing` in place of
// its billing address (appended when it has none); the other addresses stay
// as and where they are.
google::protobuf::RepeatedPtrField<v1::Address> WithBillingAddress(const v1::Profile& profile,
                                                                   const v1::Address& billing) {
  google::protobuf::RepeatedPtrField<v1::Address> addresses;
  bool replaced = false;
  for (const v1::Address& address : profile.addresses()) {
    if (address.label() != v1::ADDRESS_LABEL_BILLING) {
      *addresses.Add() = address;
    } else if (!replaced) {
      *addresses.Add() = billing;
      replaced = true;
    }
  }
  if (!replaced) *addresses.Add() = billing;
  return addresses;
}

// SameAddresses says whether two address lists are equal, in order.
bool SameAddresses(const google::protobuf::RepeatedPtrField<v1::Address>& a,
                   const google::protobuf::RepeatedPtrField<v1::Address>& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // --help lists the flags defined in this file.
  absl::SetFlagsUsageConfig(
      {.contains_help_flags = [](absl::string_view file) { return file == __FILE__; }});
  absl::SetProgramUsageMessage(
      "Billing's sync: set a customer's billing address, found by billing id, with an etag.\n"
      "  example-billing-sync --endpoint=HOST:PORT --billing_id=ID --address_lines=LINE[,LINE] "
      "--postal_code=CODE --city=CITY --country=CC");
  absl::ParseCommandLine(argc, argv);
  const std::string billing_id = absl::GetFlag(FLAGS_billing_id);
  if (billing_id.empty() || absl::GetFlag(FLAGS_address_lines).empty()) {
    std::cerr << "billing-sync: --billing_id and --address_lines are required (see --help)\n";
    return 1;
  }
  v1::Address billing;
  billing.set_label(v1::ADDRESS_LABEL_BILLING);
  for (const std::string& line : absl::GetFlag(FLAGS_address_lines)) {
    billing.add_address_lines(line);
  }
  billing.set_postal_code(absl::GetFlag(FLAGS_postal_code));
  billing.set_locality(absl::GetFlag(FLAGS_city));
  billing.set_region_code(absl::AsciiStrToUpper(absl::GetFlag(FLAGS_country)));

  cp::client::ProfileClient profiles(cp::client::MakeProfileConnection(ConnectionOptions()));
  cp::client::ExponentialBackoff backoff(cp::client::RetryOptions{});
  const int max_attempts = absl::GetFlag(FLAGS_max_attempts);

  for (int attempt = 1;; ++attempt) {
    // Read: every attempt starts from the profile as it is now.
    absl::StatusOr<v1::Profile> current = FindByBillingId(profiles, billing_id);
    if (!current.ok()) return Fail("finding the customer", current.status());
    std::cout << "attempt " << attempt << ": read " << current->name() << " (etag "
              << current->etag() << ")\n";

    // Modify: only the billing address.
    v1::Profile change;
    change.set_name(current->name());
    change.set_etag(current->etag());  // write only if nobody changed it since this read
    *change.mutable_addresses() = WithBillingAddress(*current, billing);
    if (SameAddresses(change.addresses(), current->addresses())) {
      std::cout << current->name() << " already has this billing address\n";
      return 0;
    }
    if (absl::GetFlag(FLAGS_pause_before_write) && attempt == 1) {
      std::cout << "paused: change " << current->name() << " elsewhere now, then press Enter"
                << std::endl;
      std::string line;
      std::getline(std::cin, line);
    }

    // Write: `addresses` only; the other fields are not touched.
    google::protobuf::FieldMask mask;
    mask.add_paths("addresses");
    absl::StatusOr<v1::Profile> updated = profiles.UpdateProfile(change, mask);
    if (updated.ok()) {
      std::cout << "updated the billing address of " << updated->name() << " on attempt " << attempt
                << " (etag " << updated->etag() << ")\n";
      return 0;
    }
    if (updated.status().code() != absl::StatusCode::kAborted || attempt == max_attempts) {
      return Fail("updating the billing address", updated.status());
    }
    auto info = cp::client::GetErrorInfo(updated.status());
    std::cout << "attempt " << attempt << ": ABORTED ("
              << (info ? info->reason() : std::string("no reason")) << "): " << current->name()
              << " changed since it was read; reading it again\n";
    absl::SleepFor(backoff.NextDelay());
  }
}
