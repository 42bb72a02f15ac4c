// ImportProfiles and ExportProfiles against real servers: lines succeed or
// fail on their own, a rerun creates nothing twice, and what one server
// exports another imports as the same profiles.

#include "client/profile_importer.h"

#include <memory>
#include <sstream>
#include <string>

#include "client/options.h"
#include "client/profile_stub_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_server.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::HasSubstr;

ProfileClient ClientOf(const testing::TestServer& server) {
  Options options;
  options.endpoint = server.address();
  options.timeout = absl::Seconds(10);
  return ProfileClient(MakeProfileConnection(options));
}

int64_t CountProfiles(ProfileClient& client) {
  std::ostringstream out;
  absl::StatusOr<int64_t> count = ExportProfiles(client, out, {});
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(-1);
}

// Verifies that good lines are created, bad ones named with their line and
// reason, and that importing the same file again creates nothing new.
TEST(ProfileImporterTest, LinesStandAloneAndRerunsReplay) {
  auto server = testing::TestServer::StartWithSqlite();
  ASSERT_TRUE(server.ok()) << server.status();
  ProfileClient client = ClientOf(**server);
  const std::string file =
      "{\"profileId\": \"ada\", \"profile\": {\"givenName\": \"Ada\", \"emails\": "
      "[{\"address\": \"ada@example.com\"}]}}\n"
      "\n"
      "not json\n"
      "{\"profile\": {\"displayName\": \"No id\"}}\n"
      "{\"profileId\": \"bad\", \"profile\": {\"emails\": [{\"address\": \"nope\"}]}}\n"
      "{\"name\": \"profiles/bob\", \"etag\": \"x\", \"displayName\": \"Bob\", "
      "\"createTime\": \"2026-01-01T00:00:00Z\", \"state\": \"PROFILE_STATE_ACTIVE\"}\n";
  ImportProfilesOptions options;
  options.batch = 2;
  int progress_calls = 0;
  options.progress = [&](const ImportProgress&) { ++progress_calls; };
  std::istringstream first(file);
  ImportSummary summary = ImportProfiles(client, first, options);
  EXPECT_TRUE(summary.stopped.ok()) << summary.stopped;
  EXPECT_EQ(summary.lines, 5);
  EXPECT_EQ(summary.recorded, 3);
  ASSERT_EQ(summary.failures.size(), 2u);
  EXPECT_EQ(summary.failures[0].line, 3);
  EXPECT_THAT(std::string(summary.failures[0].status.message()), HasSubstr("JSON"));
  EXPECT_EQ(summary.failures[1].line, 5);
  EXPECT_EQ(summary.failures[1].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_GE(progress_calls, 2);
  absl::StatusOr<v1::Profile> bob = client.GetProfile("profiles/bob");
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->display_name(), "Bob");
  EXPECT_EQ(CountProfiles(client), 3);

  std::istringstream again(file);
  ImportSummary rerun = ImportProfiles(client, again, options);
  EXPECT_EQ(rerun.recorded, 3) << "the lines already imported are answered as replays";
  EXPECT_EQ(CountProfiles(client), 3) << "the line without an id is not created twice";
}

// Verifies that an export of one server imports into another as the same
// profiles, with the same ids and values.
TEST(ProfileImporterTest, ExportImportsIntoAnotherServer) {
  auto source = testing::TestServer::StartWithSqlite();
  auto target = testing::TestServer::StartWithSqlite();
  ASSERT_TRUE(source.ok() && target.ok());
  ProfileClient from = ClientOf(**source);
  ProfileClient to = ClientOf(**target);
  for (int i = 0; i < 25; ++i) {
    v1::Profile profile;
    profile.set_display_name("Customer " + std::to_string(i));
    profile.add_tags("fixture");
    ASSERT_TRUE(from.CreateProfile(profile, "c-" + std::to_string(i)).ok());
  }
  std::stringstream exported;
  ExportProfilesOptions export_options;
  export_options.page_size = 10;
  int pages = 0;
  export_options.progress = [&](const ExportProgress&) { ++pages; };
  absl::StatusOr<int64_t> count = ExportProfiles(from, exported, export_options);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 25);
  EXPECT_EQ(pages, 3);
  ImportSummary summary = ImportProfiles(to, exported, {});
  EXPECT_EQ(summary.recorded, 25);
  EXPECT_TRUE(summary.failures.empty()) << summary.failures.front().status;
  absl::StatusOr<v1::Profile> copy = to.GetProfile("profiles/c-7");
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(copy->display_name(), "Customer 7");
  EXPECT_EQ(copy->tags(0), "fixture");
}

// Verifies that an import stops at a server that is not there, naming why.
TEST(ProfileImporterTest, StopsWhenTheServerIsGone) {
  Options options;
  options.endpoint = "127.0.0.1:1";
  options.timeout = absl::Seconds(2);
  options.retry.max_attempts = 1;
  ProfileClient client(MakeProfileConnection(options));
  std::istringstream file("{\"profile\": {\"displayName\": \"A\"}}\n{\"profile\": {}}\n");
  ImportSummary summary = ImportProfiles(client, file, {});
  EXPECT_EQ(summary.stopped.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(summary.recorded, 0);
}

}  // namespace
}  // namespace cp::client
