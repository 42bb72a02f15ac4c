// example-checkout: the web shop's checkout.
//
// A customer checks out with an e-mail address and may tick "send me the
// newsletter". The shop
//   1. finds the customer by that address (LookupProfiles), or creates the
//      profile when nobody has it (CreateProfile);
//   2. when the box is ticked, records the newsletter consent on the address
//      (RecordConsent) with the form as evidence: the notice version whose
//      words the form showed, the form's URL, the customer's IP address and
//      user agent. The purpose "purposes/newsletter" is created on first use,
//      so that the example runs against a fresh server.
//
// The connections retry UNAVAILABLE by themselves, and they give
// CreateProfile and RecordConsent a request_id, so that a retry never
// creates a second profile or a second consent event.
//
//   example-checkout --email=ada@example.com --given_name=Ada --family_name=Lovelace --newsletter
//
// (--endpoint=HOST:PORT, default 127.0.0.1:50051; --ip, --user_agent and
// --form_url are the evidence; examples/README.md has a walk-through.)
//
// Exits 0 on success, 1 on any failure (the server's code, reason and bad
// fields on stderr). With an --auth-config server, put the shop's key in
// CUSTOMERPROFILE_TOKEN.
#include <google/protobuf/util/time_util.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/consent_client.h"
#include "client/consent_stub_connection.h"
#include "client/error_details.h"
#include "client/options.h"
#include "client/profile_client.h"
#include "client/profile_stub_connection.h"

ABSL_FLAG(std::string, endpoint, "127.0.0.1:50051", "The profile service, HOST:PORT.");
ABSL_FLAG(std::string, email, "", "The e-mail address typed at checkout. Required.");
ABSL_FLAG(std::string, given_name, "", "The given name, for a new customer.");
ABSL_FLAG(std::string, family_name, "", "The family name, for a new customer.");
ABSL_FLAG(std::string, phone, "", "The mobile number, for a new customer (optional).");
ABSL_FLAG(bool, newsletter, false, "Whether the newsletter box was ticked.");
ABSL_FLAG(std::string, form_url, "https://shop.example.com/checkout",
          "The form the customer filled in (evidence).");
ABSL_FLAG(std::string, ip, "", "The customer's IP address (evidence).");
ABSL_FLAG(std::string, user_agent, "", "The customer's user agent (evidence).");

namespace {

namespace v1 = customerprofile::v1;
using google::protobuf::util::TimeUtil;

constexpr absl::string_view kNewsletter = "purposes/newsletter";

// Fail prints what failed with the server's code, reason and bad fields, and
// returns the exit code 1.
int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "checkout: " << what << ": " << cp::client::DescribeError(status);
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

// FindOrCreateCustomer returns the profile holding `email` (the most recently
// updated one, if several do), or a new profile with the checkout's details.
absl::StatusOr<v1::Profile> FindOrCreateCustomer(cp::client::ProfileClient& profiles,
                                                 const std::string& email) {
  v1::LookupProfilesRequest lookup;
  lookup.set_email(email);  // matched case-insensitively
  absl::StatusOr<v1::LookupProfilesResponse> found = profiles.LookupProfiles(lookup);
  if (!found.ok()) return found.status();
  if (found->profiles_size() > 0) {
    std::cout << "customer: " << found->profiles(0).name() << " (returning, found by e-mail)\n";
    return found->profiles(0);
  }

  v1::Profile profile;
  profile.set_given_name(absl::GetFlag(FLAGS_given_name));
  profile.set_family_name(absl::GetFlag(FLAGS_family_name));
  profile.set_display_name(absl::StrCat(profile.given_name(), " ", profile.family_name()));
  v1::Email* address = profile.add_emails();
  address->set_address(email);
  address->set_primary(true);
  if (!absl::GetFlag(FLAGS_phone).empty()) {
    v1::Phone* phone = profile.add_phones();
    phone->set_number(absl::GetFlag(FLAGS_phone));  // national or E.164
    phone->set_label(v1::PHONE_LABEL_MOBILE);
  }
  absl::StatusOr<v1::Profile> created = profiles.CreateProfile(profile);  // the id is generated
  if (created.ok()) std::cout << "customer: " << created->name() << " (new)\n";
  return created;
}

// NewsletterPurpose returns the newsletter purpose, creating it on a fresh
// server. In production the purpose and its words are set up once, by
// whoever owns the newsletter; the form shows its current notice_text.
absl::StatusOr<v1::Purpose> NewsletterPurpose(cp::client::ConsentClient& consent) {
  absl::StatusOr<v1::Purpose> purpose = consent.GetPurpose(kNewsletter);
  if (purpose.status().code() != absl::StatusCode::kNotFound) return purpose;

  v1::CreatePurposeRequest request;
  request.set_purpose_id("newsletter");
  request.mutable_purpose()->set_display_name("Newsletter");
  request.mutable_purpose()->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
  request.mutable_purpose()->add_channels(v1::CHANNEL_EMAIL);
  request.mutable_purpose()->set_consent_validity_months(24);
  request.mutable_purpose()->set_notice_text(
      "Yes, send me the monthly newsletter by e-mail. I can unsubscribe at any time.");
  purpose = consent.CreatePurpose(request);
  // Another checkout created it first: use theirs.
  if (purpose.status().code() == absl::StatusCode::kAlreadyExists) {
    return consent.GetPurpose(kNewsletter);
  }
  return purpose;
}

}  // namespace

int main(int argc, char** argv) {
  // --help lists the flags defined in this file.
  absl::SetFlagsUsageConfig(
      {.contains_help_flags = [](absl::string_view file) { return file == __FILE__; }});
  absl::SetProgramUsageMessage(
      "The web shop's checkout: find or create the customer by e-mail and record the "
      "newsletter consent.\n  example-checkout --endpoint=HOST:PORT --email=ADDRESS "
      "[--given_name=G --family_name=F --phone=P] [--newsletter --ip=IP --user_agent=UA]");
  absl::ParseCommandLine(argc, argv);
  const std::string email = absl::GetFlag(FLAGS_email);
  if (email.empty()) {
    std::cerr << "checkout: --email is required (see --help)\n";
    return 1;
  }

  cp::client::Options options = ConnectionOptions();
  cp::client::ProfileClient profiles(cp::client::MakeProfileConnection(options));
  cp::client::ConsentClient consent(cp::client::MakeConsentConnection(options));

  absl::StatusOr<v1::Profile> customer = FindOrCreateCustomer(profiles, email);
  if (!customer.ok()) return Fail("finding or creating the customer", customer.status());

  if (!absl::GetFlag(FLAGS_newsletter)) {
    // An unticked box is no answer: recording a denial here would undo a
    // subscription the customer made earlier.
    std::cout << "newsletter: box not ticked, nothing recorded\n";
    return 0;
  }
  absl::StatusOr<v1::Purpose> purpose = NewsletterPurpose(consent);
  if (!purpose.ok()) return Fail("reading the newsletter purpose", purpose.status());
  std::cout << "newsletter: the form showed notice version " << purpose->notice_version() << ": \""
            << purpose->notice_text() << "\"\n";

  v1::ConsentEvent event;
  event.set_purpose(purpose->name());
  event.set_channel(v1::CHANNEL_EMAIL);
  event.set_contact_point(email);  // this address only, not every address of the customer
  event.set_decision(v1::CONSENT_DECISION_GRANTED);
  *event.mutable_occur_time() = TimeUtil::GetCurrentTime();  // when the form was sent
  event.set_notice_version(purpose->notice_version());       // the words the customer saw
  v1::ConsentEvidence* evidence = event.mutable_evidence();
  evidence->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
  evidence->set_source_system("webshop");
  evidence->set_reference(absl::GetFlag(FLAGS_form_url));
  evidence->set_ip_address(absl::GetFlag(FLAGS_ip));
  evidence->set_user_agent(absl::GetFlag(FLAGS_user_agent));

  absl::StatusOr<v1::RecordConsentResponse> recorded =
      consent.RecordConsent(customer->name(), std::move(event));
  if (!recorded.ok()) return Fail("recording the newsletter consent", recorded.status());
  std::cout << "newsletter: recorded " << recorded->consent_event().name() << ", now "
            << v1::ConsentState_Name(recorded->consent().state()) << " for "
            << recorded->consent().contact_point() << "\n";
  return 0;
}
