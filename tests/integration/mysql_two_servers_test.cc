// Two profile-server processes on one MariaDB database behave as one
// service: both migrate safely when started at the same moment, and etag
// conflicts and request_id replays are decided by the database.

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <barrier>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/migration.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::UnorderedElementsAreArray;

constexpr int kServers = 2;

// Context returns a client context whose deadline is `seconds` away.
std::unique_ptr<grpc::ClientContext> Context(int seconds = 20) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// CounterOf returns the profile's "counter" attribute, 0 when absent.
int64_t CounterOf(const v1::Profile& profile) {
  auto it = profile.attributes().find("counter");
  return it == profile.attributes().end() ? 0 : it->second.int64_value();
}

// MysqlTwoServersTest starts two profile-server processes on one fresh
// database of the test MariaDB at the same moment, both with
// --migrate=auto; skipped when CP_TEST_MYSQL_URI is unset.
class MysqlTwoServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MysqlTestServerOptions().has_value()) GTEST_SKIP() << kNoMysqlTestServer;
    absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> database =
        MysqlTestDatabase::CreateOnTestServer("two_servers");
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);

    for (int i = 0; i < kServers; ++i) {
      servers_[i] = ServerProcess::Spawn(
          {"--listen=127.0.0.1:0", "--store=" + database_->Uri(), "--migrate=auto", "--workers=4"},
          dir_.File(absl::StrCat("server-", i, ".err")),
          {"PROFILE_SERVER_MYSQL_PASSWORD=" + database_->password()});
      ASSERT_NE(servers_[i], nullptr);
    }
    for (int i = 0; i < kServers; ++i) {
      std::string address = servers_[i]->WaitUntilListening();
      ASSERT_FALSE(address.empty())
          << "server " << i << " did not start: " << servers_[i]->Stderr();
      stubs_[i] = v1::ProfileService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    }
  }

  void TearDown() override {
    // Idle channels would hold up the servers' shutdown; the servers close
    // their connections before the database is dropped.
    for (std::unique_ptr<v1::ProfileService::Stub>& stub : stubs_) stub.reset();
    for (std::unique_ptr<ServerProcess>& server : servers_) {
      if (server == nullptr) continue;
      server->Signal(SIGTERM);
      EXPECT_EQ(server->Wait(), 0) << server->Stderr();
    }
  }

  v1::Profile MustCreate(v1::ProfileService::Stub& stub, const std::string& profile_id) {
    v1::CreateProfileRequest request;
    request.set_profile_id(profile_id);
    request.mutable_profile()->set_display_name("Counter " + profile_id);
    v1::Profile profile;
    grpc::Status status = stub.CreateProfile(Context().get(), request, &profile);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return profile;
  }

  TempDir dir_;
  std::unique_ptr<MysqlTestDatabase> database_;
  std::unique_ptr<ServerProcess> servers_[kServers];
  std::unique_ptr<v1::ProfileService::Stub> stubs_[kServers];
};

// Verifies that both servers, started at once with --migrate=auto, come up
// with every migration applied exactly once, and that a profile created
// through one is read through the other.
TEST_F(MysqlTwoServersTest, MigrateTogetherOnceAndShareTheData) {
  absl::StatusOr<std::vector<std::string>> versions =
      database_->Query("SELECT version FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(versions.ok()) << versions.status();
  std::vector<std::string> expected;
  for (const storage::Migration& migration : storage::MysqlMigrations()) {
    expected.push_back(absl::StrCat(migration.version));
  }
  EXPECT_EQ(*versions, expected);

  v1::Profile created = MustCreate(*stubs_[0], "shared");
  v1::GetProfileRequest get;
  get.set_name(created.name());
  v1::Profile got;
  grpc::Status status = stubs_[1]->GetProfile(Context().get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

// Verifies that clients racing read-modify-write updates (with the etag they
// read) of the same profiles through both servers get exactly one winner
// and one ABORTED per profile and round, and that each profile's counter
// ends equal to its number of wins: no update is lost.
TEST_F(MysqlTwoServersTest, RacingUpdatesThroughBothServersLoseNothing) {
  constexpr int kProfiles = 3;
  constexpr int kRounds = 8;
  for (int p = 0; p < kProfiles; ++p) MustCreate(*stubs_[p % kServers], absl::StrCat("counter", p));

  // ok[p][round][server] and aborted[...] record each write's outcome.
  int ok[kProfiles][kRounds][kServers] = {};
  int aborted[kProfiles][kRounds][kServers] = {};
  // Every client reads before any writes in a round, so both writers of a
  // profile hold the same etag.
  std::barrier all_read(kProfiles * kServers);
  std::barrier round_done(kProfiles * kServers);
  std::vector<std::thread> clients;
  for (int p = 0; p < kProfiles; ++p) {
    for (int s = 0; s < kServers; ++s) {
      clients.emplace_back([&, p, s]() {
        v1::ProfileService::Stub& stub = *stubs_[s];
        for (int round = 0; round < kRounds; ++round) {
          v1::GetProfileRequest get;
          get.set_name(absl::StrCat("profiles/counter", p));
          v1::Profile current;
          grpc::Status read = stub.GetProfile(Context().get(), get, &current);
          EXPECT_TRUE(read.ok()) << read.error_message();
          all_read.arrive_and_wait();
          v1::UpdateProfileRequest update;
          update.mutable_profile()->set_name(current.name());
          update.mutable_profile()->set_etag(current.etag());
          (*update.mutable_profile()->mutable_attributes())["counter"].set_int64_value(
              CounterOf(current) + 1);
          update.mutable_update_mask()->add_paths("attributes.counter");
          v1::Profile updated;
          grpc::Status written = stub.UpdateProfile(Context().get(), update, &updated);
          if (written.ok()) ok[p][round][s] = 1;
          if (written.error_code() == grpc::StatusCode::ABORTED) aborted[p][round][s] = 1;
          EXPECT_TRUE(written.ok() || written.error_code() == grpc::StatusCode::ABORTED)
              << written.error_code() << " " << written.error_message();
          round_done.arrive_and_wait();
        }
      });
    }
  }
  for (std::thread& client : clients) client.join();

  for (int p = 0; p < kProfiles; ++p) {
    int wins = 0;
    for (int round = 0; round < kRounds; ++round) {
      EXPECT_EQ(ok[p][round][0] + ok[p][round][1], 1) << "profile " << p << " round " << round;
      EXPECT_EQ(aborted[p][round][0] + aborted[p][round][1], 1)
          << "profile " << p << " round " << round;
      wins += ok[p][round][0] + ok[p][round][1];
    }
    for (int s = 0; s < kServers; ++s) {
      v1::GetProfileRequest get;
      get.set_name(absl::StrCat("profiles/counter", p));
      v1::Profile final_profile;
      ASSERT_TRUE(stubs_[s]->GetProfile(Context().get(), get, &final_profile).ok());
      EXPECT_EQ(CounterOf(final_profile), wins) << "profile " << p << " via server " << s;
    }
  }
}

// Verifies that a create's request_id replayed on the other server returns
// the first result and creates nothing more.
TEST_F(MysqlTwoServersTest, RequestIdReplayedOnTheOtherServerReturnsTheFirstResult) {
  v1::CreateProfileRequest request;
  request.mutable_profile()->set_display_name("Replayed");
  request.set_request_id("replay-across-servers");
  v1::Profile first;
  grpc::Status status = stubs_[0]->CreateProfile(Context().get(), request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::Profile second;
  status = stubs_[1]->CreateProfile(Context().get(), request, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());

  v1::ListProfilesRequest list;
  list.set_show_deleted(true);
  v1::ListProfilesResponse listed;
  ASSERT_TRUE(stubs_[1]->ListProfiles(Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.profiles_size(), 1);
  EXPECT_EQ(listed.profiles(0).name(), first.name());
}

// Verifies that the same request_id sent to both servers at the same moment
// has one effect: one profile is created and both calls return it, also the
// one whose transaction lost the race on the request_id key.
TEST_F(MysqlTwoServersTest, SimultaneousRequestIdOnBothServersHasOneEffect) {
  constexpr int kRequests = 5;
  std::vector<std::string> names;
  for (int r = 0; r < kRequests; ++r) {
    v1::CreateProfileRequest request;
    request.mutable_profile()->set_display_name(absl::StrCat("Simultaneous ", r));
    request.set_request_id(absl::StrCat("simultaneous-", r));
    v1::Profile results[kServers];
    grpc::Status statuses[kServers];
    std::barrier start(kServers);
    std::vector<std::thread> clients;
    for (int s = 0; s < kServers; ++s) {
      clients.emplace_back([&, s]() {
        start.arrive_and_wait();
        statuses[s] = stubs_[s]->CreateProfile(Context().get(), request, &results[s]);
      });
    }
    for (std::thread& client : clients) client.join();
    for (int s = 0; s < kServers; ++s) {
      EXPECT_TRUE(statuses[s].ok())
          << "request " << r << " server " << s << ": " << statuses[s].error_message();
    }
    EXPECT_EQ(results[0].name(), results[1].name()) << "request " << r;
    EXPECT_EQ(results[0].etag(), results[1].etag()) << "request " << r;
    names.push_back(results[0].name());
  }

  v1::ListProfilesRequest list;
  list.set_show_deleted(true);
  v1::ListProfilesResponse listed;
  ASSERT_TRUE(stubs_[0]->ListProfiles(Context().get(), list, &listed).ok());
  std::vector<std::string> listed_names;
  for (const v1::Profile& profile : listed.profiles()) listed_names.push_back(profile.name());
  EXPECT_THAT(listed_names, UnorderedElementsAreArray(names));
}

// Verifies a merge racing an update of the merged profile, and two merges
// sharing a profile, through the two servers: in every round exactly one
// wins, the other gets ABORTED, and the stores show the winner's effect
// whole (the merged profile MERGED into the winning survivor, or the update
// applied to a profile that is not merged).
TEST_F(MysqlTwoServersTest, MergeRacesHaveExactlyOneWinner) {
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    const bool two_merges = round % 2 == 1;
    v1::Profile a = MustCreate(*stubs_[0], absl::StrCat("a-", round));
    v1::Profile b = MustCreate(*stubs_[0], absl::StrCat("b-", round));
    v1::Profile c = MustCreate(*stubs_[0], absl::StrCat("c-", round));
    auto merge_into = [&](const v1::Profile& survivor) {
      v1::MergeProfilesRequest request;
      request.set_survivor(survivor.name());
      request.set_survivor_etag(survivor.etag());
      v1::MergeSource* source = request.add_merged_profiles();
      source->set_name(b.name());
      source->set_etag(b.etag());
      return request;
    };
    grpc::Status statuses[kServers];
    std::barrier start(kServers);
    std::thread first([&]() {
      v1::MergeProfilesResponse response;
      v1::MergeProfilesRequest request = merge_into(a);
      start.arrive_and_wait();
      statuses[0] = stubs_[0]->MergeProfiles(Context().get(), request, &response);
    });
    std::thread second([&]() {
      if (two_merges) {
        v1::MergeProfilesResponse response;
        v1::MergeProfilesRequest request = merge_into(c);
        start.arrive_and_wait();
        statuses[1] = stubs_[1]->MergeProfiles(Context().get(), request, &response);
      } else {
        v1::UpdateProfileRequest request;
        *request.mutable_profile() = b;
        request.mutable_profile()->set_given_name("Updated");
        request.mutable_update_mask()->add_paths("given_name");
        v1::Profile response;
        start.arrive_and_wait();
        statuses[1] = stubs_[1]->UpdateProfile(Context().get(), request, &response);
      }
    });
    first.join();
    second.join();
    ASSERT_NE(statuses[0].ok(), statuses[1].ok())
        << "round " << round << ": " << statuses[0].error_message() << " / "
        << statuses[1].error_message();
    const grpc::Status& loser = statuses[0].ok() ? statuses[1] : statuses[0];
    EXPECT_EQ(loser.error_code(), grpc::StatusCode::ABORTED)
        << "round " << round << ": " << loser.error_message();

    v1::GetProfileRequest get;
    get.set_name(b.name());
    v1::Profile final_b;
    ASSERT_TRUE(stubs_[round % kServers]->GetProfile(Context().get(), get, &final_b).ok());
    if (statuses[0].ok()) {
      EXPECT_EQ(final_b.state(), v1::PROFILE_STATE_MERGED) << "round " << round;
      EXPECT_EQ(final_b.merged_into(), a.name()) << "round " << round;
      EXPECT_EQ(final_b.given_name(), "") << "round " << round;
    } else if (two_merges) {
      EXPECT_EQ(final_b.merged_into(), c.name()) << "round " << round;
    } else {
      EXPECT_EQ(final_b.state(), v1::PROFILE_STATE_ACTIVE) << "round " << round;
      EXPECT_EQ(final_b.given_name(), "Updated") << "round " << round;
    }
    // The losing survivor is untouched.
    get.set_name(statuses[0].ok() ? c.name() : a.name());
    v1::Profile untouched;
    ASSERT_TRUE(stubs_[0]->GetProfile(Context().get(), get, &untouched).ok());
    EXPECT_EQ(untouched.etag(), statuses[0].ok() ? c.etag() : a.etag()) << "round " << round;
  }
}

}  // namespace
}  // namespace cp::testing
