// example-call-center: the call center's screen for an incoming call.
//
// The phone system gives the caller's number; the agent's screen
//   1. finds the customers holding that number (LookupProfiles: in E.164 or
//      national form; a shared landline can belong to several customers);
//   2. reads each profile (GetProfile with the FULL view, which adds what the
//      timeline says: value tier, interactions);
//   3. asks CheckConsent, for every purpose that covers SMS or phone calls,
//      whether the agent may follow up by SMS or call back. The answer has
//      one reason: a do-not-contact register (such as Reservasjonsregisteret)
//      beats any grant, then a denial or withdrawal, expiry, a pending double
//      opt-in, and only then a grant.
//
//   example-call-center --endpoint=127.0.0.1:50051 --phone="912 34 567" --agent=agent-17
//
// --agent is sent as x-actor, so that the server's log and the audit trail
// say on whose behalf the screen read the profile. Exits 0 when the caller
// is a customer, 2 when no customer has the number, 1 on any failure (the
// server's code, reason and bad fields on stderr). With an --auth-config
// server, put the call center's key in CUSTOMERPROFILE_TOKEN.
#include <google/protobuf/util/time_util.h>

#include <cstdlib>
#include <initializer_list>
#include <iostream>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "client/consent_client.h"
#include "client/consent_stub_connection.h"
#include "client/error_details.h"
#include "client/options.h"
#include "client/profile_client.h"
#include "client/profile_stub_connection.h"

ABSL_FLAG(std::string, endpoint, "127.0.0.1:50051", "The profile service, HOST:PORT.");
ABSL_FLAG(std::string, phone, "", "The caller's number, E.164 or national. Required.");
ABSL_FLAG(std::string, region, "",
          "The region a national number is read in (default: the server's).");
ABSL_FLAG(std::string, agent, "", "The agent's id, sent as x-actor.");

namespace {

namespace v1 = customerprofile::v1;
using google::protobuf::util::TimeUtil;

// Fail prints what failed with the server's code, reason and bad fields, and
// returns the exit code 1.
int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "call-center: " << what << ": " << cp::client::DescribeError(status);
  return 1;
}

// ConnectionOptions: the endpoint, the agent as x-actor, and the app's
// credential, if any, from the environment (never from the command line,
// where `ps` shows it).
cp::client::Options ConnectionOptions() {
  cp::client::Options options{.endpoint = absl::GetFlag(FLAGS_endpoint),
                              .timeout = absl::Seconds(5)};  // an agent is waiting
  if (const char* token = std::getenv("CUSTOMERPROFILE_TOKEN"); token && *token) {
    options.metadata.emplace_back("authorization", absl::StrCat("Bearer ", token));
  }
  if (!absl::GetFlag(FLAGS_agent).empty()) {
    options.metadata.emplace_back("x-actor", absl::GetFlag(FLAGS_agent));
  }
  return options;
}

// Label turns an enum value name such as PHONE_LABEL_MOBILE into "mobile".
std::string Label(absl::string_view name, absl::string_view prefix) {
  return absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
}

// ListAllPurposes returns every purpose, page by page.
absl::StatusOr<std::vector<v1::Purpose>> ListAllPurposes(cp::client::ConsentClient& consent) {
  std::vector<v1::Purpose> purposes;
  v1::ListPurposesRequest request;
  do {
    absl::StatusOr<v1::ListPurposesResponse> page = consent.ListPurposes(request);
    if (!page.ok()) return page.status();
    purposes.insert(purposes.end(), page->purposes().begin(), page->purposes().end());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return purposes;
}

// Covers says whether `purpose` may use `channel`.
bool Covers(const v1::Purpose& purpose, v1::Channel channel) {
  return absl::c_linear_search(purpose.channels(), channel);
}

void PrintProfile(const v1::Profile& profile) {
  std::cout << "\n" << profile.name() << "  " << profile.display_name() << "\n";
  std::cout << "  customer since " << TimeUtil::ToString(profile.create_time()).substr(0, 10)
            << "\n";
  for (const v1::Email& email : profile.emails()) {
    std::cout << "  e-mail   " << email.address() << (email.primary() ? " (primary)" : "") << "\n";
  }
  for (const v1::Phone& phone : profile.phones()) {
    std::cout << "  phone    " << phone.number();
    if (phone.label() != v1::PHONE_LABEL_UNSPECIFIED) {
      std::cout << " (" << Label(v1::PhoneLabel_Name(phone.label()), "PHONE_LABEL_") << ")";
    }
    std::cout << "\n";
  }
  for (const v1::Address& address : profile.addresses()) {
    std::cout << "  address  " << absl::StrJoin(address.address_lines(), ", ") << ", "
              << address.postal_code() << " " << address.locality() << ", " << address.region_code()
              << " (" << Label(v1::AddressLabel_Name(address.label()), "ADDRESS_LABEL_") << ")\n";
  }
  for (const v1::ExternalId& id : profile.external_ids()) {
    std::cout << "  id       " << id.system() << ":" << id.id() << "\n";
  }
  if (!profile.tags().empty()) {
    std::cout << "  tags     " << absl::StrJoin(profile.tags(), ", ") << "\n";
  }
  if (profile.insights().interaction_count() > 0) {
    std::cout << "  history  " << profile.insights().interaction_count() << " interactions"
              << (profile.insights().value_tier().empty()
                      ? ""
                      : absl::StrCat(", value tier ", profile.insights().value_tier()))
              << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  // --help lists the flags defined in this file.
  absl::SetFlagsUsageConfig(
      {.contains_help_flags = [](absl::string_view file) { return file == __FILE__; }});
  absl::SetProgramUsageMessage(
      "The call center's screen: the customers with the caller's number, and whether they may "
      "be contacted by SMS and phone.\n"
      "  example-call-center --endpoint=HOST:PORT --phone=NUMBER [--region=CC] [--agent=ID]");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_phone).empty()) {
    std::cerr << "call-center: --phone is required (see --help)\n";
    return 1;
  }

  cp::client::Options options = ConnectionOptions();
  cp::client::ProfileClient profiles(cp::client::MakeProfileConnection(options));
  cp::client::ConsentClient consent(cp::client::MakeConsentConnection(options));

  v1::LookupProfilesRequest lookup;
  lookup.set_phone(absl::GetFlag(FLAGS_phone));
  lookup.set_region_code(absl::GetFlag(FLAGS_region));
  absl::StatusOr<v1::LookupProfilesResponse> callers = profiles.LookupProfiles(lookup);
  if (!callers.ok()) return Fail("looking up the number", callers.status());
  if (callers->profiles().empty()) {
    std::cout << "caller " << absl::GetFlag(FLAGS_phone) << ": no customer has this number\n";
    return 2;
  }
  std::cout << "caller " << absl::GetFlag(FLAGS_phone) << ": " << callers->profiles_size()
            << (callers->profiles_size() == 1 ? " customer" : " customers")
            << (callers->more_exist() ? " (and more)" : "") << "\n";

  absl::StatusOr<std::vector<v1::Purpose>> purposes = ListAllPurposes(consent);
  if (!purposes.ok()) return Fail("listing the purposes", purposes.status());

  for (const v1::Profile& caller : callers->profiles()) {
    v1::GetProfileRequest get;
    get.set_name(caller.name());
    get.set_view(v1::PROFILE_VIEW_FULL);
    absl::StatusOr<v1::Profile> profile = profiles.GetProfile(get);
    if (!profile.ok()) return Fail("reading " + caller.name(), profile.status());
    PrintProfile(*profile);

    std::cout << "  may we contact them?\n";
    for (v1::Channel channel : {v1::CHANNEL_SMS, v1::CHANNEL_PHONE_CALL}) {
      const absl::string_view label = channel == v1::CHANNEL_SMS ? "SMS " : "call";
      if (absl::c_none_of(*purposes, [&](const v1::Purpose& p) { return Covers(p, channel); })) {
        std::cout << "    " << label << "  no: no purpose covers this channel\n";
      }
      for (const v1::Purpose& purpose : *purposes) {
        if (!Covers(purpose, channel)) continue;
        absl::StatusOr<v1::CheckConsentResponse> answer =
            consent.CheckConsent(profile->name(), purpose.name(), channel);
        if (!answer.ok()) return Fail("checking consent", answer.status());
        const v1::ConsentCheck& check = answer->check();
        std::cout << "    " << label << "  " << (check.allowed() ? "yes" : "no") << ": "
                  << purpose.display_name() << " (" << purpose.name() << "), "
                  << v1::CheckReason_Name(check.reason());
        if (!check.suppression_list().empty()) {
          std::cout << " on " << check.suppression_list() << " (" << check.suppression_entry()
                    << ")";
        }
        std::cout << "\n";
      }
    }
  }
  return 0;
}
