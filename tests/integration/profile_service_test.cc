#include <grpcpp/grpcpp.h>

#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/common/errors.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/status_conversion.h"
#include "storage/profile_cache.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

v1::Profile NewProfile(const std::string& display_name) {
  v1::Profile profile;
  profile.set_given_name("Kari");
  profile.set_family_name("Nordmann");
  profile.set_display_name(display_name);
  profile.set_region_code("NO");
  v1::Email* email = profile.add_emails();
  email->set_address("  Kari.Nordmann@Example.COM ");
  email->set_label(v1::EMAIL_LABEL_HOME);
  email->set_primary(true);
  v1::Phone* phone = profile.add_phones();
  phone->set_number("412 34 567");
  phone->set_label(v1::PHONE_LABEL_MOBILE);
  profile.add_tags("vip");
  return profile;
}

// Backend is the store a ProfileServiceTest runs on.
enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

// ProfileServiceTest runs each test on a server over SQLite and on one over
// the test MariaDB (skipped when CP_TEST_MYSQL_URI is unset).
class ProfileServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    absl::StatusOr<std::unique_ptr<TestServer>> server = GetParam() == Backend::kSqlite
                                                             ? TestServer::StartWithSqlite()
                                                             : TestServer::StartWithMysql();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = server_->NewStub();
  }

  grpc::Status Create(const v1::CreateProfileRequest& request, v1::Profile* profile,
                      v1::ProfileService::Stub* stub = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub ? stub : stub_.get())->CreateProfile(&context, request, profile);
  }

  v1::Profile MustCreate(const std::string& profile_id, const std::string& display_name) {
    v1::CreateProfileRequest request;
    *request.mutable_profile() = NewProfile(display_name);
    request.set_profile_id(profile_id);
    v1::Profile profile;
    grpc::Status status = Create(request, &profile);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return profile;
  }

  grpc::Status Get(const std::string& name, v1::Profile* profile,
                   v1::ProfileService::Stub* stub = nullptr) {
    grpc::ClientContext context;
    v1::GetProfileRequest request;
    request.set_name(name);
    return (stub ? stub : stub_.get())->GetProfile(&context, request, profile);
  }

  grpc::Status Update(const v1::Profile& profile, std::vector<std::string> paths, v1::Profile* out,
                      v1::ProfileService::Stub* stub = nullptr) {
    grpc::ClientContext context;
    v1::UpdateProfileRequest request;
    *request.mutable_profile() = profile;
    for (std::string& path : paths) request.mutable_update_mask()->add_paths(std::move(path));
    return (stub ? stub : stub_.get())->UpdateProfile(&context, request, out);
  }

  v1::ListProfilesResponse List(bool show_deleted, const std::string& filter = "") {
    grpc::ClientContext context;
    v1::ListProfilesRequest request;
    request.set_show_deleted(show_deleted);
    request.set_filter(filter);
    v1::ListProfilesResponse response;
    grpc::Status status = stub_->ListProfiles(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static std::vector<std::string> Names(const v1::ListProfilesResponse& response) {
    std::vector<std::string> names;
    for (const v1::Profile& profile : response.profiles()) names.push_back(profile.name());
    return names;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> stub_;
};

// Verifies create, get, update, delete, undelete and list end to end over
// the socket, with normalisation and a fresh etag on every write.
TEST_P(ProfileServiceTest, LifecycleHappyPath) {
  v1::Profile created = MustCreate("kari", "Kari N");
  EXPECT_EQ(created.name(), "profiles/kari");
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());
  EXPECT_EQ(created.emails(0).address(), "Kari.Nordmann@example.com");
  EXPECT_EQ(created.phones(0).number(), "+4741234567");

  v1::Profile got;
  ASSERT_TRUE(Get("profiles/kari", &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());

  v1::Profile change;
  change.set_name("profiles/kari");
  change.set_etag(created.etag());
  change.set_display_name("Kari Nordmann");
  v1::Profile updated;
  grpc::Status status = Update(change, {"display_name"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.display_name(), "Kari Nordmann");
  EXPECT_EQ(updated.given_name(), "Kari");
  EXPECT_NE(updated.etag(), created.etag());

  MustCreate("ola", "Ola N");
  EXPECT_THAT(Names(List(false)), UnorderedElementsAre("profiles/kari", "profiles/ola"));

  {
    grpc::ClientContext context;
    v1::DeleteProfileRequest request;
    request.set_name("profiles/kari");
    request.set_etag(updated.etag());
    v1::Profile deleted;
    status = stub_->DeleteProfile(&context, request, &deleted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(deleted.has_delete_time());
    EXPECT_NE(deleted.etag(), updated.etag());
  }
  EXPECT_THAT(Names(List(false)), ElementsAre("profiles/ola"));
  EXPECT_THAT(Names(List(true)), UnorderedElementsAre("profiles/kari", "profiles/ola"));
  ASSERT_TRUE(Get("profiles/kari", &got).ok());
  EXPECT_TRUE(got.has_delete_time());

  {
    grpc::ClientContext context;
    v1::UndeleteProfileRequest request;
    request.set_name("profiles/kari");
    v1::Profile undeleted;
    status = stub_->UndeleteProfile(&context, request, &undeleted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(undeleted.has_delete_time());
  }
  {
    // AIP-164: undeleting a profile that is not deleted is ALREADY_EXISTS.
    grpc::ClientContext context;
    v1::UndeleteProfileRequest request;
    request.set_name("profiles/kari");
    v1::Profile again;
    status = stub_->UndeleteProfile(&context, request, &again);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << status.error_message();
    EXPECT_EQ(ReasonOf(status), "PROFILE_NOT_DELETED");
  }
  EXPECT_THAT(Names(List(false)), UnorderedElementsAre("profiles/kari", "profiles/ola"));
  EXPECT_THAT(Names(List(false, "display_name = \"Ola N\"")), ElementsAre("profiles/ola"));
}

// Verifies that every write is visible to the next GetProfile, also when
// the profile was just read (and, on SQLite, answered from the server's
// profile cache): two reads after each write agree with what the write
// returned.
TEST_P(ProfileServiceTest, GetAfterEveryWriteSeesThatWrite) {
  v1::Profile current = MustCreate("kari", "Kari N");
  auto expect_reads = [&](const std::string& step) {
    for (int read = 0; read < 2; ++read) {
      v1::Profile got;
      grpc::Status status = Get("profiles/kari", &got);
      ASSERT_TRUE(status.ok()) << step << ": " << status.error_message();
      EXPECT_EQ(got.SerializeAsString(), current.SerializeAsString()) << step << " read " << read;
    }
  };
  expect_reads("create");

  for (int i = 0; i < 3; ++i) {
    v1::Profile change;
    change.set_name("profiles/kari");
    change.set_display_name("Kari " + std::to_string(i));
    grpc::Status status = Update(change, {"display_name"}, &current);
    ASSERT_TRUE(status.ok()) << status.error_message();
    expect_reads("update " + std::to_string(i));
  }
  {
    grpc::ClientContext context;
    v1::DeleteProfileRequest request;
    request.set_name("profiles/kari");
    ASSERT_TRUE(stub_->DeleteProfile(&context, request, &current).ok());
    ASSERT_TRUE(current.has_delete_time());
    expect_reads("delete");
  }
  {
    grpc::ClientContext context;
    v1::UndeleteProfileRequest request;
    request.set_name("profiles/kari");
    ASSERT_TRUE(stub_->UndeleteProfile(&context, request, &current).ok());
    ASSERT_FALSE(current.has_delete_time());
    expect_reads("undelete");
  }
  // On SQLite the second read after each of the six writes was answered
  // from the cache (the first one filled it), not only from the database.
  if (const storage::ProfileCache* cache = server_->store()->profile_cache(); cache != nullptr) {
    EXPECT_GE(cache->Stats().hits, 6u);
  } else {
    EXPECT_EQ(GetParam(), Backend::kMysql);
  }
}

// Verifies that ListProfiles pages through every profile exactly once.
TEST_P(ProfileServiceTest, ListPaginates) {
  for (int i = 0; i < 5; ++i) MustCreate("p" + std::to_string(i), "P " + std::to_string(i));
  std::vector<std::string> seen;
  std::string token;
  do {
    grpc::ClientContext context;
    v1::ListProfilesRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListProfilesResponse response;
    ASSERT_TRUE(stub_->ListProfiles(&context, request, &response).ok());
    EXPECT_LE(response.profiles_size(), 2);
    for (const v1::Profile& p : response.profiles()) seen.push_back(p.name());
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(seen, UnorderedElementsAre("profiles/p0", "profiles/p1", "profiles/p2", "profiles/p3",
                                         "profiles/p4"));
}

// Verifies that bad input is INVALID_ARGUMENT whose error details hold a
// BadRequest naming every bad field and an ErrorInfo, without echoing the
// values, and that nothing is written.
TEST_P(ProfileServiceTest, InvalidArgumentCarriesBadRequestAndErrorInfo) {
  v1::CreateProfileRequest request;
  *request.mutable_profile() = NewProfile("Kari");
  request.mutable_profile()->mutable_emails(0)->set_address("not-an-email@@example");
  request.mutable_profile()->mutable_phones(0)->set_number("12");
  request.mutable_profile()->set_region_code("XX");
  v1::Profile profile;
  grpc::Status status = Create(request, &profile);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("not-an-email")));

  google::rpc::Status details = Details(status);
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  for (const google::protobuf::Any& any : details.details()) {
    if (any.Is<google::rpc::BadRequest>()) ASSERT_TRUE(any.UnpackTo(&bad_request));
    if (any.Is<google::rpc::ErrorInfo>()) ASSERT_TRUE(any.UnpackTo(&info));
  }
  std::vector<std::string> fields;
  for (const auto& violation : bad_request.field_violations()) {
    fields.push_back(violation.field());
    EXPECT_THAT(violation.description(), Not(HasSubstr("not-an-email")));
  }
  EXPECT_THAT(fields, UnorderedElementsAre("profile.emails[0].address", "profile.phones[0].number",
                                           "profile.region_code"));
  EXPECT_EQ(info.domain(), domain::kErrorDomain);
  EXPECT_FALSE(info.reason().empty());
  EXPECT_THAT(List(true).profiles(), IsEmpty());
}

// Verifies that an update or delete with a stale etag is ABORTED and
// changes nothing.
TEST_P(ProfileServiceTest, StaleEtagIsAborted) {
  v1::Profile created = MustCreate("kari", "First");
  v1::Profile change;
  change.set_name(created.name());
  change.set_etag(created.etag());
  change.set_display_name("Second");
  v1::Profile updated;
  ASSERT_TRUE(Update(change, {"display_name"}, &updated).ok());

  change.set_display_name("Third");
  v1::Profile ignored;
  grpc::Status status = Update(change, {"display_name"}, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorInfoOf(status).domain(), domain::kErrorDomain);

  grpc::ClientContext context;
  v1::DeleteProfileRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  status = stub_->DeleteProfile(&context, request, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);

  v1::Profile got;
  ASSERT_TRUE(Get(created.name(), &got).ok());
  EXPECT_EQ(got.display_name(), "Second");
  EXPECT_EQ(got.etag(), updated.etag());
  EXPECT_FALSE(got.has_delete_time());
}

// Verifies that two clients racing a read-modify-write on one profile get
// exactly one winner per round, and that no increment is lost once the
// loser redoes its read-modify-write.
TEST_P(ProfileServiceTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kRounds = 10;
  v1::Profile created = MustCreate("counter", "Counter");
  std::unique_ptr<v1::ProfileService::Stub> stubs[2] = {server_->NewStub(), server_->NewStub()};
  std::barrier read_done(2);
  std::barrier round_done(2);
  int ok_per_round[kRounds][2] = {};
  int aborted_per_round[kRounds][2] = {};

  // Increment reads the counter, adds one and writes it back with the etag
  // it read; returns the write's status.
  auto increment = [this](v1::ProfileService::Stub* stub, std::barrier<>* after_read) {
    v1::Profile current;
    grpc::Status status = Get("profiles/counter", &current, stub);
    if (after_read != nullptr) after_read->arrive_and_wait();
    if (!status.ok()) return status;
    v1::Profile change;
    change.set_name(current.name());
    change.set_etag(current.etag());
    int64_t value = current.attributes().count("counter")
                        ? current.attributes().at("counter").int64_value()
                        : 0;
    (*change.mutable_attributes())["counter"].set_int64_value(value + 1);
    v1::Profile out;
    return Update(change, {"attributes.counter"}, &out, stub);
  };

  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&, c] {
      for (int round = 0; round < kRounds; ++round) {
        grpc::Status status = increment(stubs[c].get(), &read_done);
        if (status.ok()) ok_per_round[round][c] = 1;
        if (status.error_code() == grpc::StatusCode::ABORTED) aborted_per_round[round][c] = 1;
        round_done.arrive_and_wait();
        if (status.error_code() == grpc::StatusCode::ABORTED) {
          // The loser redoes its read-modify-write, alone.
          grpc::Status retry = increment(stubs[c].get(), nullptr);
          EXPECT_TRUE(retry.ok()) << retry.error_message();
        }
        round_done.arrive_and_wait();
      }
    });
  }
  for (std::thread& client : clients) client.join();

  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(ok_per_round[round][0] + ok_per_round[round][1], 1) << "round " << round;
    EXPECT_EQ(aborted_per_round[round][0] + aborted_per_round[round][1], 1) << "round " << round;
  }
  v1::Profile final_profile;
  ASSERT_TRUE(Get("profiles/counter", &final_profile).ok());
  EXPECT_EQ(final_profile.attributes().at("counter").int64_value(), 2 * kRounds);
}

// Verifies that replaying a create with the same request_id returns the
// first result and creates nothing more.
TEST_P(ProfileServiceTest, RequestIdReplayReturnsFirstResult) {
  v1::CreateProfileRequest request;
  *request.mutable_profile() = NewProfile("Kari");
  request.set_request_id("create-kari-1");
  v1::Profile first;
  ASSERT_TRUE(Create(request, &first).ok());
  v1::Profile second;
  grpc::Status status = Create(request, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_EQ(List(true).profiles_size(), 1);
}

// Verifies that an external id held by another live profile is
// ALREADY_EXISTS whose ErrorInfo names the system.
TEST_P(ProfileServiceTest, DuplicateExternalIdNamesSystem) {
  v1::CreateProfileRequest request;
  *request.mutable_profile() = NewProfile("Kari");
  v1::ExternalId external_id;
  external_id.set_system("billing");
  external_id.set_id("ACC-1042");
  *request.mutable_profile()->add_external_ids() = external_id;
  v1::Profile first;
  ASSERT_TRUE(Create(request, &first).ok());

  *request.mutable_profile() = NewProfile("Ola");
  *request.mutable_profile()->add_external_ids() = external_id;
  v1::Profile second;
  grpc::Status status = Create(request, &second);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.domain(), domain::kErrorDomain);
  EXPECT_EQ(info.metadata().at("system"), "billing");
  EXPECT_THAT(status.error_message(), Not(HasSubstr("ACC-1042")));
  EXPECT_EQ(List(true).profiles_size(), 1);
}

// Verifies that a missing profile is NOT_FOUND with an ErrorInfo.
TEST_P(ProfileServiceTest, MissingProfileIsNotFound) {
  v1::Profile profile;
  grpc::Status status = Get("profiles/nobody", &profile);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorInfoOf(status).domain(), domain::kErrorDomain);
}

// Verifies that each call is logged as one JSON line with the request id
// from x-request-id, and that no personal data reaches the log.
TEST_P(ProfileServiceTest, LogsCallsWithoutPersonalData) {
  v1::CreateProfileRequest request;
  *request.mutable_profile() = NewProfile("Kari Secretname");
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "trace-123");
  v1::Profile profile;
  ASSERT_TRUE(stub_->CreateProfile(&context, request, &profile).ok());

  bool found = false;
  for (const std::string& line : server_->LogLines()) {
    EXPECT_THAT(line, Not(HasSubstr("Secretname")));
    EXPECT_THAT(line, Not(HasSubstr("Nordmann")));
    EXPECT_THAT(line, Not(HasSubstr("example.com")));
    EXPECT_THAT(line, Not(HasSubstr("4741234567")));
    if (line.find("CreateProfile") != std::string::npos) {
      EXPECT_THAT(line, HasSubstr("\"request_id\":\"trace-123\""));
      EXPECT_THAT(line, HasSubstr("\"code\":\"OK\""));
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

// Verifies BatchGetProfiles over the wire: the profiles in request order
// (a repeated name twice, a soft-deleted one included), NOT_FOUND naming the
// first missing profile, allow_missing listing the missing names instead,
// and INVALID_ARGUMENT naming each malformed name and a batch over 1,000.
TEST_P(ProfileServiceTest, BatchGetReturnsProfilesInRequestOrder) {
  MustCreate("kari", "Kari N");
  MustCreate("ola", "Ola N");
  v1::Profile deleted = MustCreate("per", "Per N");
  {
    grpc::ClientContext context;
    v1::DeleteProfileRequest request;
    request.set_name("profiles/per");
    ASSERT_TRUE(stub_->DeleteProfile(&context, request, &deleted).ok());
  }
  auto batch = [&](std::vector<std::string> names, bool allow_missing,
                   v1::BatchGetProfilesResponse* response) {
    grpc::ClientContext context;
    v1::BatchGetProfilesRequest request;
    for (const std::string& name : names) request.add_names(name);
    request.set_allow_missing(allow_missing);
    return stub_->BatchGetProfiles(&context, request, response);
  };
  v1::BatchGetProfilesResponse got;
  grpc::Status status =
      batch({"profiles/ola", "profiles/per", "profiles/kari", "profiles/ola"}, false, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> names;
  for (const v1::Profile& profile : got.profiles()) names.push_back(profile.name());
  EXPECT_THAT(names, ElementsAre("profiles/ola", "profiles/per", "profiles/kari", "profiles/ola"));
  EXPECT_EQ(got.profiles(0).display_name(), "Ola N");
  EXPECT_TRUE(got.profiles(1).has_delete_time());
  EXPECT_FALSE(got.profiles(0).etag().empty());

  status = batch({"profiles/kari", "profiles/nobody", "profiles/none"}, false, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ReasonOf(status), "PROFILE_NOT_FOUND");
  auto info = domain::GetErrorInfo(server::FromGrpcStatus(status));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->metadata().at("name"), "profiles/nobody");

  v1::BatchGetProfilesResponse partial;
  status = batch({"profiles/nobody", "profiles/kari", "profiles/none"}, true, &partial);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(partial.profiles_size(), 1);
  EXPECT_EQ(partial.profiles(0).name(), "profiles/kari");
  EXPECT_THAT(partial.missing_names(), ElementsAre("profiles/nobody", "profiles/none"));

  status = batch({"profiles/kari", "people/x", "profiles/"}, false, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("names[1]", "names[2]"));
  status = batch(std::vector<std::string>(1001, "profiles/kari"), false, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("names"));
}

// Verifies LookupProfiles over the wire: a national-format phone (read in
// the default region) finds the E.164 number, an e-mail in another case
// finds the address, an external id its holder; profiles sharing a number
// come newest update first; a soft-deleted one is not returned.
TEST_P(ProfileServiceTest, LookupFindsLiveHoldersNewestFirst) {
  MustCreate("kari", "Kari N");
  v1::CreateProfileRequest create;
  *create.mutable_profile() = NewProfile("Ola N");
  create.mutable_profile()->mutable_phones(0)->set_number("+4791234567");
  create.mutable_profile()->mutable_emails(0)->set_address("ola@example.com");
  v1::ExternalId* external_id = create.mutable_profile()->add_external_ids();
  external_id->set_system("billing");
  external_id->set_id("ACC-7");
  create.set_profile_id("ola");
  v1::Profile ola;
  ASSERT_TRUE(Create(create, &ola).ok());
  MustCreate("per", "Per N");

  auto lookup = [&](const v1::LookupProfilesRequest& request) {
    grpc::ClientContext context;
    v1::LookupProfilesResponse response;
    grpc::Status status = stub_->LookupProfiles(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.more_exist());
    std::vector<std::string> names;
    for (const v1::Profile& profile : response.profiles()) names.push_back(profile.name());
    return names;
  };
  v1::LookupProfilesRequest by_phone;
  by_phone.set_phone("912 34 567");
  EXPECT_THAT(lookup(by_phone), ElementsAre("profiles/ola"));
  by_phone.set_phone("+47 912 34 567");
  by_phone.set_region_code("SE");
  EXPECT_THAT(lookup(by_phone), ElementsAre("profiles/ola"));
  v1::LookupProfilesRequest by_email;
  by_email.set_email("  OLA@Example.com ");
  EXPECT_THAT(lookup(by_email), ElementsAre("profiles/ola"));
  v1::LookupProfilesRequest by_external_id;
  *by_external_id.mutable_external_id() = *external_id;
  EXPECT_THAT(lookup(by_external_id), ElementsAre("profiles/ola"));
  by_external_id.mutable_external_id()->set_id("ACC-8");
  EXPECT_THAT(lookup(by_external_id), IsEmpty());

  // kari and per share NewProfile's number and address; kari changes last.
  v1::Profile change;
  change.set_name("profiles/kari");
  change.set_display_name("Kari Nordmann");
  v1::Profile updated;
  ASSERT_TRUE(Update(change, {"display_name"}, &updated).ok());
  v1::LookupProfilesRequest shared;
  shared.set_phone("+4741234567");
  EXPECT_THAT(lookup(shared), ElementsAre("profiles/kari", "profiles/per"));
  shared.set_email("kari.nordmann@example.com");
  EXPECT_THAT(lookup(shared), ElementsAre("profiles/kari", "profiles/per"));

  grpc::ClientContext context;
  v1::DeleteProfileRequest del;
  del.set_name("profiles/kari");
  ASSERT_TRUE(stub_->DeleteProfile(&context, del, &updated).ok());
  EXPECT_THAT(lookup(shared), ElementsAre("profiles/per"));
}

// Verifies that more than 100 holders of one number return the 100 most
// recently updated with more_exist, and exactly 100 without it.
TEST_P(ProfileServiceTest, LookupReturnsAtMostHundredAndSaysMoreExist) {
  for (int i = 0; i < 100; ++i) MustCreate(absl::StrCat("p", i), "Kari N");
  v1::LookupProfilesRequest request;
  request.set_phone("+4741234567");
  auto lookup = [&](v1::LookupProfilesResponse* response) {
    grpc::ClientContext context;
    grpc::Status status = stub_->LookupProfiles(&context, request, response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  v1::LookupProfilesResponse exactly;
  lookup(&exactly);
  EXPECT_EQ(exactly.profiles_size(), 100);
  EXPECT_FALSE(exactly.more_exist());

  MustCreate("newest", "Kari N");
  v1::LookupProfilesResponse more;
  lookup(&more);
  ASSERT_EQ(more.profiles_size(), 100);
  EXPECT_TRUE(more.more_exist());
  EXPECT_EQ(more.profiles(0).name(), "profiles/newest");
}

// Verifies that LookupProfiles without an identifier is INVALID_ARGUMENT
// naming "identifier", and an e-mail or phone that does not parse names
// "email" or "phone".
TEST_P(ProfileServiceTest, LookupRejectsMissingAndUnparseableIdentifiers) {
  auto fields_of = [&](const v1::LookupProfilesRequest& request) {
    grpc::ClientContext context;
    v1::LookupProfilesResponse response;
    grpc::Status status = stub_->LookupProfiles(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return BadRequestFields(status);
  };
  EXPECT_THAT(fields_of(v1::LookupProfilesRequest()), ElementsAre("identifier"));
  v1::LookupProfilesRequest request;
  request.set_phone("12");
  EXPECT_THAT(fields_of(request), ElementsAre("phone"));
  request.set_phone("not a number");
  EXPECT_THAT(fields_of(request), ElementsAre("phone"));
  request.set_email("kari.example.com");
  EXPECT_THAT(fields_of(request), ElementsAre("email"));
  request.mutable_external_id()->set_system("billing");
  EXPECT_THAT(fields_of(request), ElementsAre("external_id.id"));
}

// Verifies the ListProfiles filters on emails.address (any case, trimmed)
// and phones.number (national format read in the default region), that
// negation works on them, and that a number that is none is INVALID_FILTER.
TEST_P(ProfileServiceTest, ListFiltersOnEmailAndPhone) {
  v1::Profile kari = MustCreate("kari", "Kari");
  v1::CreateProfileRequest other;
  other.set_profile_id("ola");
  other.mutable_profile()->set_display_name("Ola");
  other.mutable_profile()->add_emails()->set_address("ola@example.com");
  other.mutable_profile()->add_phones()->set_number("+4799999999");
  v1::Profile ola;
  ASSERT_TRUE(Create(other, &ola).ok());

  EXPECT_THAT(Names(List(false, "emails.address = \" KARI.nordmann@example.com \"")),
              ElementsAre("profiles/kari"));
  EXPECT_THAT(Names(List(false, "phones.number = \"41234567\"")), ElementsAre("profiles/kari"));
  EXPECT_THAT(Names(List(false, "phones.number = \"+47 999 99 999\"")),
              ElementsAre("profiles/ola"));
  EXPECT_THAT(Names(List(false, "NOT emails.address = \"ola@example.com\"")),
              ElementsAre("profiles/kari"));
  EXPECT_THAT(Names(List(false, "emails.address = \"ola@*\"")), ElementsAre("profiles/ola"));

  grpc::ClientContext context;
  v1::ListProfilesRequest request;
  request.set_filter("phones.number = \"not a number\"");
  v1::ListProfilesResponse response;
  grpc::Status status = stub_->ListProfiles(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(status), "INVALID_FILTER");
}

INSTANTIATE_TEST_SUITE_P(Backends, ProfileServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace cp::testing
