#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <jwt.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "domain/common/errors.h"
#include "domain/interaction/interaction_validator.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/auth/access_control.h"
#include "server/auth/api_key.h"
#include "server/auth/method_policy.h"
#include "server/status_conversion.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using server::auth::AppConfig;
using server::auth::AuthConfig;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test-secret";
constexpr char kAudience[] = "customerprofile";
// Test data that must never show up in the server log.
constexpr char kEmail[] = "kari.nordmann@example.com";
constexpr char kPhone[] = "+4741234567";
constexpr char kGivenName[] = "Kariannemor";
// The max_message_bytes of the app "small".
constexpr int64_t kSmallMessageBytes = 400;

AppConfig App(std::string id, std::string key, std::vector<std::string> scopes) {
  AppConfig app;
  app.id = std::move(id);
  app.key_hashes.push_back(server::auth::HashApiKey(key));
  app.scopes.insert(scopes.begin(), scopes.end());
  return app;
}

// Token returns a JWT signed with `alg` and `secret` for `sub`.
std::string Token(const std::string& sub, jwt_alg_t alg = JWT_ALG_HS256,
                  const std::string& secret = kSecret, const std::string& aud = kAudience,
                  absl::Duration valid_for = absl::Minutes(5)) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grant(jwt, "sub", sub.c_str());
  jwt_add_grant(jwt, "aud", aud.c_str());
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(absl::Now() + valid_for));
  if (alg == JWT_ALG_NONE) {
    jwt_set_alg(jwt, JWT_ALG_NONE, nullptr, 0);
  } else {
    jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(secret.data()),
                static_cast<int>(secret.size()));
  }
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

class AuthAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuthConfig config;
    config.apps.push_back(App("admin", "admin-key", server::auth::KnownScopes()));
    config.apps.push_back(App("marketing", "marketing-key", {"profiles.read"}));
    AppConfig limited = App("limited", "limited-key", {"profiles.read", "pii.read"});
    limited.limits.rate_limit = server::auth::RateLimit{5, 2};
    limited.limits.max_page_size = 1;
    config.apps.push_back(limited);
    AppConfig small = App("small", "small-key", {"profiles.read", "profiles.write"});
    small.limits.max_message_bytes = kSmallMessageBytes;
    config.apps.push_back(small);
    config.apps.push_back(App("callcenter", "callcenter-key", {"profiles.read", "consents.read"}));
    config.apps.push_back(
        App("clerk", "clerk-key", {"consents.read", "consents.write", "suppressions.admin"}));
    AppConfig billing = App("billing", "billing-key", {"interactions.write", "interactions.read"});
    billing.interaction_kinds = {v1::INTERACTION_KIND_PAYMENT, v1::INTERACTION_KIND_INVOICE};
    config.apps.push_back(billing);
    AppConfig registrar = App("registrar", "registrar-key", {"suppressions.admin"});
    registrar.limits.max_message_bytes = kSmallMessageBytes;
    config.apps.push_back(registrar);
    server::auth::SelfServiceConfig self;
    self.algorithm = "HS256";
    self.key = kSecret;
    self.audience = kAudience;
    config.self_service = self;
    TestServerOptions options;
    options.runner.access = std::make_shared<server::auth::AccessControl>(config);
    auto started = TestServer::StartWithSqlite(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    stub_ = server_->NewStub();
  }

  // Call runs `fn` with a context carrying `authorization` (if not empty).
  template <typename Fn>
  grpc::Status Call(const std::string& authorization, Fn fn) {
    grpc::ClientContext ctx;
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    return fn(&ctx);
  }

  v1::Profile Create(const std::string& id) {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    request.mutable_profile()->set_given_name(kGivenName);
    request.mutable_profile()->add_emails()->set_address(kEmail);
    request.mutable_profile()->add_phones()->set_number(kPhone);
    request.mutable_profile()->add_tags("vip");
    v1::Profile created;
    grpc::Status status = Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
      return stub_->CreateProfile(ctx, request, &created);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status Get(const std::string& authorization, const std::string& name,
                   v1::Profile* out = nullptr) {
    v1::GetProfileRequest request;
    request.set_name(name);
    v1::Profile response;
    grpc::Status status = Call(authorization, [&](grpc::ClientContext* ctx) {
      return stub_->GetProfile(ctx, request, &response);
    });
    if (out != nullptr) *out = response;
    return status;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> stub_;
};

// Verifies that contact data reaches no caller without pii.read through any
// service: consent events and states, consent checks naming the register
// entry that blocked them, a recorded consent's answer, and register entries,
// checks and removals all come without e-mail addresses, phone numbers and
// IP addresses (checked on the serialised responses), while an app with
// pii.read sees them.
TEST_F(AuthAccessTest, ContactDataHiddenInEveryServiceWithoutPiiRead) {
  constexpr char kIp[] = "192.0.2.77";
  Create("kari");
  auto consents = v1::ConsentService::NewStub(server_->NewChannel());
  auto suppressions = v1::SuppressionService::NewStub(server_->NewChannel());
  // NoContactData fails the test when `message` holds an e-mail address,
  // phone number or IP address of the customer.
  auto no_contact_data = [&](const google::protobuf::Message& message, const std::string& what) {
    std::string bytes = message.SerializeAsString();
    EXPECT_FALSE(absl::StrContains(bytes, kEmail)) << what;
    EXPECT_FALSE(absl::StrContains(bytes, kPhone)) << what;
    EXPECT_FALSE(absl::StrContains(bytes, kIp)) << what;
  };

  v1::CreatePurposeRequest purpose;
  purpose.set_purpose_id("offers");
  purpose.mutable_purpose()->set_display_name("Offers");
  purpose.mutable_purpose()->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
  purpose.mutable_purpose()->add_channels(v1::CHANNEL_EMAIL);
  purpose.mutable_purpose()->add_channels(v1::CHANNEL_SMS);
  purpose.mutable_purpose()->set_notice_text("Offers by e-mail and SMS.");
  v1::Purpose created_purpose;
  ASSERT_TRUE(Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
                return consents->CreatePurpose(ctx, purpose, &created_purpose);
              }).ok());

  // The clerk records consents without pii.read: the answer hides the
  // contact point and the IP address it was just given.
  for (auto [channel, contact] :
       {std::pair{v1::CHANNEL_EMAIL, kEmail}, std::pair{v1::CHANNEL_SMS, kPhone}}) {
    v1::RecordConsentRequest record;
    record.set_parent("profiles/kari");
    v1::ConsentEvent* event = record.mutable_consent_event();
    event->set_purpose("purposes/offers");
    event->set_channel(channel);
    event->set_contact_point(contact);
    event->set_decision(v1::CONSENT_DECISION_GRANTED);
    event->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
    event->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
    event->mutable_evidence()->set_ip_address(kIp);
    v1::RecordConsentResponse recorded;
    grpc::Status status = Call("Bearer clerk-key", [&](grpc::ClientContext* ctx) {
      return consents->RecordConsent(ctx, record, &recorded);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(recorded.consent_event().name().empty());
    no_contact_data(recorded, "RecordConsent");
  }

  v1::CreateSuppressionListRequest list;
  list.set_suppression_list_id("reserved");
  list.mutable_suppression_list()->set_display_name("Reserved numbers");
  list.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_PHONE_NUMBER);
  list.mutable_suppression_list()->add_channels(v1::CHANNEL_SMS);
  v1::SuppressionList created_list;
  ASSERT_TRUE(Call("Bearer clerk-key", [&](grpc::ClientContext* ctx) {
                return suppressions->CreateSuppressionList(ctx, list, &created_list);
              }).ok());
  v1::AddSuppressionEntryRequest add;
  add.set_suppression_list("suppressionLists/reserved");
  add.set_identifier(kPhone);
  v1::SuppressionEntry entry;
  ASSERT_TRUE(Call("Bearer clerk-key", [&](grpc::ClientContext* ctx) {
                return suppressions->AddSuppressionEntry(ctx, add, &entry);
              }).ok());
  EXPECT_EQ(entry.suppression_list(), "suppressionLists/reserved");
  no_contact_data(entry, "AddSuppressionEntry");

  // Reads by the call center (profiles.read, consents.read) and by admin.
  for (const std::string key : {"callcenter-key", "admin-key"}) {
    bool pii = key == "admin-key";
    std::string auth = "Bearer " + key;
    v1::ListConsentsRequest list_consents;
    list_consents.set_parent("profiles/kari");
    v1::ListConsentsResponse states;
    ASSERT_TRUE(Call(auth, [&](grpc::ClientContext* ctx) {
                  return consents->ListConsents(ctx, list_consents, &states);
                }).ok());
    ASSERT_EQ(states.consents_size(), 2) << key;
    v1::ListConsentEventsRequest list_events;
    list_events.set_parent("profiles/kari");
    v1::ListConsentEventsResponse events;
    ASSERT_TRUE(Call(auth, [&](grpc::ClientContext* ctx) {
                  return consents->ListConsentEvents(ctx, list_events, &events);
                }).ok());
    ASSERT_EQ(events.consent_events_size(), 2) << key;
    v1::CheckConsentRequest check;
    check.set_profile("profiles/kari");
    check.set_purpose("purposes/offers");
    check.set_channel(v1::CHANNEL_SMS);
    v1::CheckConsentResponse checked;
    ASSERT_TRUE(Call(auth, [&](grpc::ClientContext* ctx) {
                  return consents->CheckConsent(ctx, check, &checked);
                }).ok());
    EXPECT_EQ(checked.check().reason(), v1::CHECK_REASON_SUPPRESSED) << key;
    EXPECT_EQ(checked.check().suppression_list(), "suppressionLists/reserved") << key;
    v1::BatchCheckConsentRequest batch;
    batch.set_purpose("purposes/offers");
    batch.set_channel(v1::CHANNEL_SMS);
    batch.add_profiles("profiles/kari");
    v1::BatchCheckConsentResponse batched;
    ASSERT_TRUE(Call(auth, [&](grpc::ClientContext* ctx) {
                  return consents->BatchCheckConsent(ctx, batch, &batched);
                }).ok());
    ASSERT_EQ(batched.checks_size(), 1) << key;
    v1::CheckSuppressionRequest probe;
    probe.set_identifier(kPhone);
    v1::CheckSuppressionResponse probed;
    ASSERT_TRUE(Call(auth, [&](grpc::ClientContext* ctx) {
                  return suppressions->CheckSuppression(ctx, probe, &probed);
                }).ok());
    EXPECT_TRUE(probed.suppressed()) << key;
    if (pii) {
      EXPECT_FALSE(states.consents(0).contact_point().empty());
      EXPECT_FALSE(events.consent_events(0).contact_point().empty());
      EXPECT_EQ(events.consent_events(0).evidence().ip_address(), kIp);
      EXPECT_EQ(checked.check().suppression_entry(), kPhone);
      EXPECT_EQ(probed.identifier(), kPhone);
      continue;
    }
    no_contact_data(states, "ListConsents");
    no_contact_data(events, "ListConsentEvents");
    no_contact_data(checked, "CheckConsent");
    no_contact_data(batched, "BatchCheckConsent");
    no_contact_data(probed, "CheckSuppression");
  }

  v1::RemoveSuppressionEntryRequest remove;
  remove.set_suppression_list("suppressionLists/reserved");
  remove.set_identifier(kPhone);
  v1::RemoveSuppressionEntryResponse removed;
  ASSERT_TRUE(Call("Bearer clerk-key", [&](grpc::ClientContext* ctx) {
                return suppressions->RemoveSuppressionEntry(ctx, remove, &removed);
              }).ok());
  EXPECT_TRUE(removed.removed());
  no_contact_data(removed, "RemoveSuppressionEntry");
}

// Verifies that missing, malformed and unknown API keys are UNAUTHENTICATED
// and a valid key is admitted.
TEST_F(AuthAccessTest, ApiKeys) {
  Create("kari");
  grpc::Status missing = Get("", "profiles/kari");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ReasonOf(missing), "MISSING_CREDENTIAL");
  grpc::Status malformed = Get("Basic YWRtaW46YWRtaW4=", "profiles/kari");
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ReasonOf(malformed), "MALFORMED_CREDENTIAL");
  grpc::Status unknown = Get("Bearer not-a-key", "profiles/kari");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ReasonOf(unknown), "INVALID_API_KEY");
  EXPECT_TRUE(Get("Bearer admin-key", "profiles/kari").ok());
}

// Verifies, for every ProfileService method in turn, that an app holding
// every scope except the method's own is refused with PERMISSION_DENIED
// before the request is looked at.
TEST_F(AuthAccessTest, EachScopeMissingInTurn) {
  for (const auto& [method, policy] : server::auth::MethodPolicies()) {
    if (!absl::StartsWith(method, "/customerprofile.v1.ProfileService/")) continue;
    SCOPED_TRACE(method);
    AuthConfig config;
    std::vector<std::string> scopes;
    for (const std::string& scope : server::auth::KnownScopes()) {
      if (scope != policy.scope) scopes.push_back(scope);
    }
    config.apps.push_back(App("partial", "partial-key", scopes));
    TestServerOptions options;
    options.runner.access = std::make_shared<server::auth::AccessControl>(config);
    auto server = TestServer::StartWithSqlite(std::move(options));
    ASSERT_TRUE(server.ok());
    grpc::GenericStub generic((*server)->NewChannel());
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer partial-key");
    // An empty message; a default ByteBuffer is not a valid message.
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::Status status;
    absl::Notification done;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
      status = s;
      done.Notify();
    });
    done.WaitForNotification();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ReasonOf(status), "MISSING_SCOPE");
  }
}

// Verifies that without pii.read a profile comes back without emails and
// phones, and that filters and order_by on PII fields are refused.
TEST_F(AuthAccessTest, PiiHiddenWithoutPiiRead) {
  Create("kari");
  v1::Profile full;
  ASSERT_TRUE(Get("Bearer admin-key", "profiles/kari", &full).ok());
  EXPECT_EQ(full.emails_size(), 1);
  // Twice: the second read is answered from the profile cache the first
  // filled, and must be redacted as well.
  for (int read = 0; read < 2; ++read) {
    v1::Profile redacted;
    ASSERT_TRUE(Get("Bearer marketing-key", "profiles/kari", &redacted).ok());
    EXPECT_EQ(redacted.emails_size(), 0) << read;
    EXPECT_EQ(redacted.phones_size(), 0) << read;
    EXPECT_EQ(redacted.given_name(), kGivenName) << read;
  }
  ASSERT_TRUE(Get("Bearer admin-key", "profiles/kari", &full).ok());
  EXPECT_EQ(full.emails_size(), 1);

  v1::ListProfilesRequest list;
  v1::ListProfilesResponse page;
  grpc::Status listed = Call("Bearer marketing-key", [&](grpc::ClientContext* ctx) {
    return stub_->ListProfiles(ctx, list, &page);
  });
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(page.profiles_size(), 1);
  EXPECT_EQ(page.profiles(0).emails_size(), 0);

  list.set_filter("emails.address = \"x@example.com\"");
  grpc::Status filtered = Call("Bearer marketing-key", [&](grpc::ClientContext* ctx) {
    return stub_->ListProfiles(ctx, list, &page);
  });
  EXPECT_EQ(filtered.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  list.clear_filter();
  list.set_order_by("birth_date desc");
  grpc::Status ordered = Call("Bearer marketing-key", [&](grpc::ClientContext* ctx) {
    return stub_->ListProfiles(ctx, list, &page);
  });
  EXPECT_EQ(ordered.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

// Verifies that LookupProfiles without pii.read finds the profile (by a
// number the caller already knows) but returns it redacted, that a
// self-service token may not look profiles up at all, and that no log line
// holds the number looked up.
TEST_F(AuthAccessTest, LookupRedactedWithoutPiiReadAndClosedToSelfService) {
  Create("kari");
  v1::LookupProfilesRequest request;
  request.set_phone(kPhone);
  auto lookup = [&](const std::string& authorization, v1::LookupProfilesResponse* response) {
    return Call(authorization, [&](grpc::ClientContext* ctx) {
      return stub_->LookupProfiles(ctx, request, response);
    });
  };
  v1::LookupProfilesResponse full;
  ASSERT_TRUE(lookup("Bearer admin-key", &full).ok());
  ASSERT_EQ(full.profiles_size(), 1);
  EXPECT_EQ(full.profiles(0).phones_size(), 1);

  v1::LookupProfilesResponse redacted;
  grpc::Status status = lookup("Bearer marketing-key", &redacted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(redacted.profiles_size(), 1);
  EXPECT_EQ(redacted.profiles(0).name(), "profiles/kari");
  EXPECT_EQ(redacted.profiles(0).emails_size(), 0);
  EXPECT_EQ(redacted.profiles(0).phones_size(), 0);
  EXPECT_EQ(redacted.profiles(0).given_name(), kGivenName);

  v1::LookupProfilesResponse own;
  EXPECT_EQ(lookup(absl::StrCat("Bearer ", Token("kari")), &own).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  request.set_phone("412 34 567");
  ASSERT_TRUE(lookup("Bearer admin-key", &full).ok());
  for (const std::string& line : server_->LogLines()) {
    EXPECT_EQ(line.find("41234567"), std::string::npos) << line;
    EXPECT_EQ(line.find("412 34 567"), std::string::npos) << line;
  }
}

// Verifies self-service tokens: own profile readable; another profile
// (existing or not) PERMISSION_DENIED; expired, wrongly signed, alg none and
// wrong-audience tokens UNAUTHENTICATED; List and Delete closed.
TEST_F(AuthAccessTest, SelfServiceTokens) {
  Create("kari");
  Create("ola");
  std::string bearer = absl::StrCat("Bearer ", Token("kari"));
  v1::Profile own;
  ASSERT_TRUE(Get(bearer, "profiles/kari", &own).ok());
  EXPECT_EQ(own.emails_size(), 1);
  // Also when ola's profile was just read by an app (and is in the cache).
  ASSERT_TRUE(Get("Bearer admin-key", "profiles/ola").ok());
  EXPECT_EQ(Get(bearer, "profiles/ola").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(bearer, "profiles/nobody").error_code(), grpc::StatusCode::PERMISSION_DENIED);

  auto reason_of = [&](const std::string& token) {
    grpc::Status status = Get(absl::StrCat("Bearer ", token), "profiles/kari");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    return ReasonOf(status);
  };
  EXPECT_EQ(reason_of(Token("kari", JWT_ALG_HS256, kSecret, kAudience, absl::Minutes(-1))),
            "TOKEN_EXPIRED");
  EXPECT_EQ(reason_of(Token("kari", JWT_ALG_HS256, "another-secret-another-secret-xx")),
            "TOKEN_SIGNATURE_INVALID");
  EXPECT_EQ(reason_of(Token("kari", JWT_ALG_NONE)), "TOKEN_ALGORITHM_REJECTED");
  EXPECT_EQ(reason_of(Token("kari", JWT_ALG_HS512, kSecret)), "TOKEN_ALGORITHM_REJECTED");
  EXPECT_EQ(reason_of(Token("kari", JWT_ALG_HS256, kSecret, "other-service")),
            "TOKEN_AUDIENCE_MISMATCH");

  v1::ListProfilesResponse page;
  grpc::Status listed = Call(bearer, [&](grpc::ClientContext* ctx) {
    return stub_->ListProfiles(ctx, v1::ListProfilesRequest(), &page);
  });
  EXPECT_EQ(listed.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::DeleteProfileRequest del;
  del.set_name("profiles/kari");
  v1::Profile deleted;
  grpc::Status removed = Call(
      bearer, [&](grpc::ClientContext* ctx) { return stub_->DeleteProfile(ctx, del, &deleted); });
  EXPECT_EQ(removed.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

// Verifies mass assignment: a customer cannot set tags, external ids or
// another profile's fields; nobody can set output-only fields; the stored
// profile is unchanged.
TEST_F(AuthAccessTest, MassAssignmentIsRejected) {
  v1::Profile created = Create("kari");
  std::string bearer = absl::StrCat("Bearer ", Token("kari"));
  auto update = [&](const std::string& authorization, v1::UpdateProfileRequest request) {
    v1::Profile out;
    return Call(authorization,
                [&](grpc::ClientContext* ctx) { return stub_->UpdateProfile(ctx, request, &out); });
  };
  v1::UpdateProfileRequest tags;
  tags.mutable_profile()->set_name("profiles/kari");
  tags.mutable_profile()->add_tags("free-shipping");
  EXPECT_EQ(update(bearer, tags).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::UpdateProfileRequest masked;
  masked.mutable_profile()->set_name("profiles/kari");
  masked.mutable_update_mask()->add_paths("external_ids");
  EXPECT_EQ(update(bearer, masked).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::UpdateProfileRequest times;
  times.mutable_profile()->set_name("profiles/kari");
  times.mutable_profile()->mutable_create_time()->set_seconds(1);
  EXPECT_EQ(update("Bearer admin-key", times).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::UpdateProfileRequest own;
  own.mutable_profile()->set_name("profiles/kari");
  own.mutable_profile()->set_family_name("Nordmann");
  EXPECT_TRUE(update(bearer, own).ok());

  v1::CreateProfileRequest spoof;
  spoof.mutable_profile()->set_etag("forged");
  v1::Profile out;
  grpc::Status created_spoof = Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
    return stub_->CreateProfile(ctx, spoof, &out);
  });
  EXPECT_EQ(created_spoof.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::Profile after;
  ASSERT_TRUE(Get("Bearer admin-key", "profiles/kari", &after).ok());
  EXPECT_EQ(after.tags_size(), 1);
  EXPECT_EQ(after.family_name(), "Nordmann");
}

// Verifies the per-app token bucket: the burst passes, the next call is
// RESOURCE_EXHAUSTED with a RetryInfo, and after the delay calls pass again;
// page sizes are clamped to the app's maximum.
TEST_F(AuthAccessTest, RateLimitReachedAndRecovered) {
  Create("kari");
  Create("ola");
  EXPECT_TRUE(Get("Bearer limited-key", "profiles/kari").ok());
  EXPECT_TRUE(Get("Bearer limited-key", "profiles/kari").ok());
  grpc::Status limited = Get("Bearer limited-key", "profiles/kari");
  ASSERT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ReasonOf(limited), "RATE_LIMITED");
  absl::Status converted = server::FromGrpcStatus(limited);
  auto retry = converted.GetPayload(domain::kRetryInfoTypeUrl);
  ASSERT_TRUE(retry.has_value());
  google::rpc::RetryInfo info;
  ASSERT_TRUE(info.ParseFromString(std::string(*retry)));
  EXPECT_GT(info.retry_delay().nanos() + info.retry_delay().seconds(), 0);
  absl::SleepFor(absl::Milliseconds(450));
  v1::ListProfilesRequest list;
  list.set_page_size(50);
  v1::ListProfilesResponse page;
  grpc::Status listed = Call("Bearer limited-key", [&](grpc::ClientContext* ctx) {
    return stub_->ListProfiles(ctx, list, &page);
  });
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(page.profiles_size(), 1);
  EXPECT_FALSE(page.next_page_token().empty());
}

// ReflectionStatus opens a server reflection stream of grpc.reflection.
// `version` on `channel` without a credential, closes it at once and
// returns how the server ended it.
grpc::Status ReflectionStatus(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& version = "v1alpha") {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context, "/grpc.reflection." + version + ".ServerReflection/ServerReflectionInfo", &cq);
  int tags[3];
  void* got = nullptr;
  bool ok = false;
  call->StartCall(&tags[0]);
  cq.Next(&got, &ok);
  call->WritesDone(&tags[1]);
  cq.Next(&got, &ok);
  grpc::Status status;
  call->Finish(&status, &tags[2]);
  while (cq.Next(&got, &ok) && got != &tags[2]) {
  }
  cq.Shutdown();
  while (cq.Next(&got, &ok)) {
  }
  return status;
}

// Verifies that health checking and (by default) reflection need no
// credential, and that reflection can be switched off.
TEST_F(AuthAccessTest, HealthAndReflectionWithoutCredential) {
  auto health = grpc::health::v1::Health::NewStub(server_->NewChannel());
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status checked = health->Check(&ctx, request, &response);
  ASSERT_TRUE(checked.ok()) << checked.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_TRUE(ReflectionStatus(server_->NewChannel()).ok());
  EXPECT_TRUE(ReflectionStatus(server_->NewChannel(), "v1").ok());

  AuthConfig config;
  config.apps.push_back(App("admin", "admin-key", server::auth::KnownScopes()));
  config.reflection = false;
  TestServerOptions options;
  options.runner.access = std::make_shared<server::auth::AccessControl>(config);
  auto closed = TestServer::StartWithSqlite(std::move(options));
  ASSERT_TRUE(closed.ok()) << closed.status();
  grpc::Status refused = ReflectionStatus((*closed)->NewChannel());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED) << refused.error_message();
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("reflection is switched off"));
  grpc::Status refused_v1 = ReflectionStatus((*closed)->NewChannel(), "v1");
  EXPECT_EQ(refused_v1.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << refused_v1.error_message();
}

// Verifies that denials are logged with app id, method and reason, and that
// no email, phone or name of the test data ever reaches the log.
TEST_F(AuthAccessTest, LogsDenialsWithoutPersonalData) {
  Create("kari");
  Get("Bearer marketing-key", "profiles/kari");
  Get("Bearer nope", "profiles/kari");
  v1::DeleteProfileRequest del;
  del.set_name("profiles/kari");
  v1::Profile out;
  Call("Bearer marketing-key",
       [&](grpc::ClientContext* ctx) { return stub_->DeleteProfile(ctx, del, &out); });
  bool denial_logged = false;
  for (const std::string& line : server_->LogLines()) {
    EXPECT_EQ(line.find(kEmail), std::string::npos) << line;
    EXPECT_EQ(line.find(kPhone), std::string::npos) << line;
    EXPECT_EQ(line.find("41234567"), std::string::npos) << line;
    EXPECT_EQ(line.find(kGivenName), std::string::npos) << line;
    if (absl::StrContains(line, "access_denied") && absl::StrContains(line, "marketing") &&
        absl::StrContains(line, "MISSING_SCOPE") && absl::StrContains(line, "DeleteProfile")) {
      denial_logged = true;
    }
  }
  EXPECT_TRUE(denial_logged);
}

// NamedRequest returns a CreateProfileRequest for `id` whose three names
// have `name_length` characters each.
v1::CreateProfileRequest NamedRequest(const std::string& id, size_t name_length) {
  v1::CreateProfileRequest request;
  request.set_profile_id(id);
  request.mutable_profile()->set_given_name(std::string(name_length, 'g'));
  request.mutable_profile()->set_family_name(std::string(name_length, 'f'));
  request.mutable_profile()->set_display_name(std::string(name_length, 'd'));
  return request;
}

// Verifies the per-app max_message_bytes over a real socket: a request
// above the app's cap is RESOURCE_EXHAUSTED MESSAGE_TOO_LARGE before any
// work (the profile does not exist afterwards) and is logged as a denial;
// a request within the cap passes; an app without a cap sends the large
// request.
TEST_F(AuthAccessTest, PerAppMessageSizeLimit) {
  v1::CreateProfileRequest large = NamedRequest("large", 190);
  ASSERT_GT(large.ByteSizeLong(), static_cast<size_t>(kSmallMessageBytes));
  v1::Profile created;
  grpc::Status refused = Call("Bearer small-key", [&](grpc::ClientContext* ctx) {
    return stub_->CreateProfile(ctx, large, &created);
  });
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ReasonOf(refused), "MESSAGE_TOO_LARGE");
  EXPECT_EQ(ErrorInfoOf(refused).metadata().at("max_message_bytes"), "400");
  EXPECT_EQ(Get("Bearer admin-key", "profiles/large").error_code(), grpc::StatusCode::NOT_FOUND);

  v1::CreateProfileRequest fits = NamedRequest("fits", 50);
  ASSERT_LE(fits.ByteSizeLong(), static_cast<size_t>(kSmallMessageBytes));
  grpc::Status allowed = Call("Bearer small-key", [&](grpc::ClientContext* ctx) {
    return stub_->CreateProfile(ctx, fits, &created);
  });
  EXPECT_TRUE(allowed.ok()) << allowed.error_message();
  grpc::Status uncapped = Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
    return stub_->CreateProfile(ctx, large, &created);
  });
  EXPECT_TRUE(uncapped.ok()) << uncapped.error_message();

  bool denial_logged = false;
  for (const std::string& line : server_->LogLines()) {
    denial_logged = denial_logged || (absl::StrContains(line, "access_denied") &&
                                      absl::StrContains(line, "\"small\"") &&
                                      absl::StrContains(line, "MESSAGE_TOO_LARGE"));
  }
  EXPECT_TRUE(denial_logged);
}

// Verifies the per-app message size on a client stream: each message of an
// import is checked, one too large ends the stream with MESSAGE_TOO_LARGE
// and nothing of it is imported; small messages pass; an app without
// suppressions.admin may not import at all.
TEST_F(AuthAccessTest, StreamMessagesAreSizeCheckedAndScoped) {
  auto suppressions = v1::SuppressionService::NewStub(server_->NewChannel());
  v1::CreateSuppressionListRequest create;
  create.set_suppression_list_id("reservasjon");
  create.mutable_suppression_list()->set_display_name("Reservasjonsregisteret");
  create.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_PHONE_NUMBER);
  create.mutable_suppression_list()->add_channels(v1::CHANNEL_PHONE_CALL);
  v1::SuppressionList list;
  ASSERT_TRUE(Call("Bearer registrar-key", [&](grpc::ClientContext* ctx) {
                return suppressions->CreateSuppressionList(ctx, create, &list);
              }).ok());

  auto import = [&](const std::string& key, int messages, int lines_each) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", key);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ImportSuppressionEntriesResponse response;
    auto writer = suppressions->ImportSuppressionEntries(&ctx, &response);
    for (int m = 0; m < messages; ++m) {
      v1::ImportSuppressionEntriesRequest request;
      if (m == 0) {
        request.set_suppression_list("suppressionLists/reservasjon");
        request.set_mode(v1::IMPORT_MODE_APPEND);
      }
      for (int i = 0; i < lines_each; ++i) {
        request.add_lines(absl::StrCat(90000000 + m * 1000 + i));
      }
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  };
  grpc::Status too_large = import("Bearer registrar-key", 3, 100);
  EXPECT_EQ(too_large.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ReasonOf(too_large), "MESSAGE_TOO_LARGE");
  grpc::Status small = import("Bearer registrar-key", 5, 10);
  EXPECT_TRUE(small.ok()) << small.error_message();
  EXPECT_EQ(import("Bearer marketing-key", 1, 1).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::GetSuppressionListRequest get;
  get.set_name("suppressionLists/reservasjon");
  ASSERT_TRUE(Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
                return suppressions->GetSuppressionList(ctx, get, &list);
              }).ok());
  EXPECT_EQ(list.entry_count(), 50) << "only the stream of small messages got in";
}

// Verifies that the server-wide message limit stays the ceiling: an app
// allowed more is still refused by gRPC's own RESOURCE_EXHAUSTED above it.
TEST_F(AuthAccessTest, ServerMessageLimitStaysTheCeiling) {
  AuthConfig config;
  AppConfig generous = App("generous", "generous-key", {"profiles.write"});
  generous.limits.max_message_bytes = 1 << 20;
  config.apps.push_back(generous);
  TestServerOptions options;
  options.runner.access = std::make_shared<server::auth::AccessControl>(config);
  options.runner.max_message_bytes = 4096;
  auto server = TestServer::StartWithSqlite(std::move(options));
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = (*server)->NewStub();
  v1::CreateProfileRequest request = NamedRequest("huge", 2000);
  ASSERT_GT(request.ByteSizeLong(), 4096u);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer generous-key");
  v1::Profile created;
  grpc::Status status = stub->CreateProfile(&ctx, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
}

// CallLine returns the parsed call line of the call with `request_id`, or
// null when there is none.
nlohmann::json CallLine(const TestServer& server, const std::string& request_id) {
  for (const std::string& line : server.LogLines()) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object() && parsed.contains("method") &&
        parsed.value("request_id", "") == request_id) {
      return parsed;
    }
  }
  return nullptr;
}

// Verifies that the line of an allowed call names the calling app and the
// agent it acts for (x-actor), and that a customer's call names
// "self-service" but neither the profile id nor a claimed actor.
TEST_F(AuthAccessTest, LogsTheCallerOfAllowedCalls) {
  Create("kari");
  v1::GetProfileRequest request;
  request.set_name("profiles/kari");
  v1::Profile profile;
  auto get = [&](const std::string& authorization, const std::string& request_id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", authorization);
    ctx.AddMetadata("x-actor", "agent-7");
    ctx.AddMetadata("x-request-id", request_id);
    return stub_->GetProfile(&ctx, request, &profile);
  };
  ASSERT_TRUE(get("Bearer marketing-key", "req-app").ok());
  ASSERT_TRUE(get(absl::StrCat("Bearer ", Token("kari")), "req-customer").ok());

  nlohmann::json app = CallLine(*server_, "req-app");
  ASSERT_TRUE(app.is_object());
  EXPECT_EQ(app["code"], "OK");
  EXPECT_EQ(app["method"], "/customerprofile.v1.ProfileService/GetProfile");
  EXPECT_EQ(app["app_id"], "marketing");
  EXPECT_EQ(app["actor"], "agent-7");

  nlohmann::json customer = CallLine(*server_, "req-customer");
  ASSERT_TRUE(customer.is_object());
  EXPECT_EQ(customer["code"], "OK");
  EXPECT_EQ(customer["app_id"], "self-service");
  EXPECT_FALSE(customer.contains("actor"));
  EXPECT_EQ(customer.dump().find("kari"), std::string::npos) << customer.dump();
}

// Verifies that request ids and actors that fail validation (here personal
// data: an e-mail address, a phone number) are never written to the log,
// neither from the request nor from x-request-id / x-actor metadata; a fixed
// marker stands in their place, and valid ones are still logged.
TEST_F(AuthAccessTest, LogsRejectedRequestIdsAndActorsAsAMarker) {
  v1::CreateProfileRequest create;
  create.set_request_id("someone@example.org");
  create.mutable_profile()->set_display_name("Someone");
  v1::Profile created;
  grpc::Status rejected = Call("Bearer admin-key", [&](grpc::ClientContext* ctx) {
    return stub_->CreateProfile(ctx, create, &created);
  });
  EXPECT_EQ(rejected.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetProfileRequest get;
  get.set_name("profiles/missing");
  v1::Profile got;
  grpc::Status missing = Call("Bearer marketing-key", [&](grpc::ClientContext* ctx) {
    ctx->AddMetadata("x-request-id", "+47 912 34 567");
    ctx->AddMetadata("x-actor", "kari.agent@example.org");
    return stub_->GetProfile(ctx, get, &got);
  });
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status denied = Call("Bearer marketing-key", [&](grpc::ClientContext* ctx) {
    ctx->AddMetadata("x-request-id", "ola@example.org");
    return stub_->CreateProfile(ctx, create, &created);
  });
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status valid = Call("Bearer marketing-key", [&](grpc::ClientContext* ctx) {
    ctx->AddMetadata("x-request-id", "req-valid.1");
    ctx->AddMetadata("x-actor", "agent-7");
    return stub_->GetProfile(ctx, get, &got);
  });
  EXPECT_EQ(valid.error_code(), grpc::StatusCode::NOT_FOUND);

  int markers = 0;
  for (const std::string& line : server_->LogLines()) {
    for (const char* secret : {"someone@example.org", "example.org", "912 34 567", "+47"}) {
      EXPECT_EQ(line.find(secret), std::string::npos) << line;
    }
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(json.is_object()) << line;
    if (json.value("request_id", "") == "(invalid)") ++markers;
  }
  // The rejected create, the missing read and its denial line, the denied
  // create and its denial line.
  EXPECT_GE(markers, 4);
  nlohmann::json line = CallLine(*server_, "req-valid.1");
  ASSERT_TRUE(line.is_object());
  EXPECT_EQ(line["actor"], "agent-7");
}

// Verifies who may record which interactions: an app whose config lists
// interaction_kinds records those only; a customer's self-service token
// records survey answers and complaints on their own profile only, and reads
// their own timeline.
TEST_F(AuthAccessTest, InteractionKindsPerAppAndForCustomers) {
  Create("kari");
  Create("ola");
  auto interactions = v1::InteractionService::NewStub(server_->NewChannel());
  auto record = [&](const std::string& authorization, const std::string& profile,
                    v1::InteractionKind kind) {
    v1::RecordInteractionRequest request;
    request.set_parent("profiles/" + profile);
    v1::Interaction* interaction = request.mutable_interaction();
    interaction->set_channel(v1::INTERACTION_CHANNEL_WEB);
    interaction->set_direction(v1::INTERACTION_DIRECTION_INBOUND);
    interaction->set_kind(kind);
    interaction->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
    interaction->set_source_system("test");
    if (domain::IsMoneyKind(kind)) {
      interaction->mutable_amount()->set_currency_code("NOK");
      interaction->mutable_amount()->set_units(10);
    }
    if (kind == v1::INTERACTION_KIND_SURVEY_RESPONSE) {
      interaction->mutable_satisfaction()->set_csat(4);
      interaction->mutable_satisfaction()->set_question_id("q1");
    }
    v1::Interaction out;
    return Call(authorization, [&](grpc::ClientContext* ctx) {
      return interactions->RecordInteraction(ctx, request, &out);
    });
  };
  EXPECT_TRUE(record("Bearer billing-key", "kari", v1::INTERACTION_KIND_PAYMENT).ok());
  grpc::Status denied = record("Bearer billing-key", "kari", v1::INTERACTION_KIND_ORDER);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReasonOf(denied), "INTERACTION_KIND_NOT_ALLOWED");

  // In a batch a refused kind fails its own item only.
  v1::BatchRecordInteractionsRequest batch;
  for (v1::InteractionKind kind : {v1::INTERACTION_KIND_INVOICE, v1::INTERACTION_KIND_ORDER}) {
    v1::RecordInteractionRequest* item = batch.add_requests();
    item->set_parent("profiles/kari");
    v1::Interaction* interaction = item->mutable_interaction();
    interaction->set_channel(v1::INTERACTION_CHANNEL_POST);
    interaction->set_direction(v1::INTERACTION_DIRECTION_OUTBOUND);
    interaction->set_kind(kind);
    interaction->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
    interaction->set_source_system("billing");
    interaction->mutable_amount()->set_currency_code("NOK");
    interaction->mutable_amount()->set_units(10);
  }
  v1::BatchRecordInteractionsResponse results;
  ASSERT_TRUE(Call("Bearer billing-key", [&](grpc::ClientContext* ctx) {
                return interactions->BatchRecordInteractions(ctx, batch, &results);
              }).ok());
  ASSERT_EQ(results.results_size(), 2);
  EXPECT_TRUE(results.results(0).has_interaction());
  ASSERT_TRUE(results.results(1).has_error());
  EXPECT_EQ(results.results(1).error().code(),
            static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));

  const std::string customer = "Bearer " + Token("kari");
  EXPECT_TRUE(record(customer, "kari", v1::INTERACTION_KIND_SURVEY_RESPONSE).ok());
  EXPECT_TRUE(record(customer, "kari", v1::INTERACTION_KIND_COMPLAINT).ok());
  EXPECT_EQ(ReasonOf(record(customer, "kari", v1::INTERACTION_KIND_ORDER)),
            "INTERACTION_KIND_NOT_ALLOWED");
  EXPECT_EQ(record(customer, "ola", v1::INTERACTION_KIND_COMPLAINT).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListInteractionsRequest list;
  list.set_parent("profiles/kari");
  v1::ListInteractionsResponse page;
  ASSERT_TRUE(Call(customer, [&](grpc::ClientContext* ctx) {
                return interactions->ListInteractions(ctx, list, &page);
              }).ok());
  EXPECT_EQ(page.interactions_size(), 4);  // payment, invoice, survey answer, complaint
  list.set_parent("profiles/ola");
  EXPECT_EQ(Call(customer,
                 [&](grpc::ClientContext* ctx) {
                   return interactions->ListInteractions(ctx, list, &page);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace cp::testing
