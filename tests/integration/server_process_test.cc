#include "tests/support/server_process.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/rpc_status.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::HasSubstr;
using ::testing::Not;

class ServerProcessTest : public ::testing::Test {
 protected:
  // Start runs the server on a free port of 127.0.0.1 with the test's
  // SQLite store and returns it once it listens; fails the test otherwise.
  std::unique_ptr<ServerProcess> Start(std::vector<std::string> extra_args = {},
                                       const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> args = {"--listen=" + listen, "--store=sqlite:" + db_path_,
                                     "--workers=4"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::unique_ptr<ServerProcess> process =
        ServerProcess::Spawn(args, dir_.File(absl::StrCat("stderr-", ++starts_, ".log")));
    EXPECT_NE(process, nullptr);
    if (process == nullptr) return nullptr;
    address_ = process->WaitUntilListening();
    EXPECT_FALSE(address_.empty()) << "server did not start: " << process->Stderr();
    if (address_.empty()) return nullptr;
    return process;
  }

  std::unique_ptr<v1::ProfileService::Stub> Stub() {
    return v1::ProfileService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  static v1::CreateProfileRequest CreateRequest(const std::string& request_id) {
    v1::CreateProfileRequest request;
    request.mutable_profile()->set_display_name("Kari N");
    request.mutable_profile()->add_tags("vip");
    request.set_request_id(request_id);
    return request;
  }

  TempDir dir_;
  std::string db_path_ = dir_.File("data/profiles.db");
  std::string address_;
  int starts_ = 0;
};

// RawUnary calls `method` at `address` with `bytes` as the request message,
// whatever they are, and returns the call's status.
grpc::Status RawUnary(const std::string& address, const std::string& method,
                      const std::string& bytes) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, request, &cq);
  call->StartCall();
  int tag = 0;
  call->Finish(&response, &status, &tag);
  void* got = nullptr;
  bool ok = false;
  cq.Next(&got, &ok);
  cq.Shutdown();
  while (cq.Next(&got, &ok)) {
  }
  return status;
}

// Verifies, against the real binary, that a request whose bytes do not
// parse is INVALID_ARGUMENT (reason MALFORMED_REQUEST), not UNIMPLEMENTED;
// that a request with invalid UTF-8 names the field once in its
// BadRequest; and that every line the server wrote to stderr meanwhile is
// JSON (protobuf's own complaint about the UTF-8 included).
TEST_F(ServerProcessTest, MalformedAndInvalidUtf8RequestsAreInvalidArgumentAndLoggedAsJson) {
  auto process = Start();
  ASSERT_NE(process, nullptr);
  grpc::Status malformed = RawUnary(address_, "/customerprofile.v1.ProfileService/GetProfile",
                                    std::string("\x0a\xff\xff", 3));
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << malformed.error_message();
  EXPECT_EQ(ReasonOf(malformed), "MALFORMED_REQUEST");

  v1::CreateProfileRequest request = CreateRequest("utf8-1");
  request.mutable_profile()->add_emails()->set_address("kari\xC3\x28@example.com");
  grpc::Status invalid = RawUnary(address_, "/customerprofile.v1.ProfileService/CreateProfile",
                                  request.SerializePartialAsString());
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << invalid.error_message();
  EXPECT_THAT(BadRequestFields(invalid), ::testing::ElementsAre("profile.emails[0].address"));

  process->Signal(SIGTERM);
  EXPECT_EQ(process->Wait(), 0);
  std::string err = process->Stderr();
  EXPECT_THAT(err, HasSubstr("\"event\":\"protobuf\""));
  EXPECT_THAT(err, Not(HasSubstr("[libprotobuf")));
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false).is_discarded())
        << line;
  }
}

// Verifies that --help documents every flag and its environment variable
// and exits 0.
TEST_F(ServerProcessTest, HelpListsFlags) {
  auto process = ServerProcess::Spawn({"--help"}, dir_.File("help.err"));
  ASSERT_NE(process, nullptr);
  std::string out = process->RemainingStdout();
  EXPECT_EQ(process->Wait(), 0);
  for (const char* flag :
       {"--listen=", "--store=", "--mysql-password-file=", "--migrate=", "--default-phone-region=",
        "--workers=", "--max-queue=", "--max-request-bytes=", "--max-message-bytes=",
        "--default-page-size=", "--max-page-size=", "--drain-timeout=", "--sqlite-pool-size=",
        "--log-level=", "PROFILE_SERVER_LISTEN", "PROFILE_SERVER_STORE",
        "PROFILE_SERVER_DEFAULT_PHONE_REGION", "PROFILE_SERVER_MYSQL_PASSWORD"}) {
    EXPECT_THAT(out, HasSubstr(flag));
  }
}

// Verifies that an invalid flag is one clear line on stderr and exit code 2.
TEST_F(ServerProcessTest, InvalidFlagExitsTwo) {
  auto process = ServerProcess::Spawn({"--migrate=sometimes"}, dir_.File("bad.err"));
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->Wait(), 2);
  std::string err = process->Stderr();
  EXPECT_THAT(err, HasSubstr("invalid --migrate"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

// Verifies that health answers SERVING after start, that the server logs
// JSON lines, and that SIGTERM stops it with exit code 0.
TEST_F(ServerProcessTest, HealthServingAfterStartAndCleanStop) {
  auto process = Start();
  ASSERT_NE(process, nullptr);
  {
    // An idle client answers the server's shutdown ping only on its 5s
    // backup poll, so its channel is closed before SIGTERM.
    auto health = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    for (const std::string service : {"", "customerprofile.v1.ProfileService"}) {
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(service);
      grpc::health::v1::HealthCheckResponse response;
      grpc::Status status = health->Check(Context().get(), request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
    }
  }
  process->Signal(SIGTERM);
  EXPECT_EQ(process->Wait(), 0);
  for (absl::string_view line : absl::StrSplit(process->Stderr(), '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
  }
  EXPECT_THAT(process->Stderr(), HasSubstr("\"event\":\"stopped\""));
}

// Verifies that a write the server acknowledged survives kill -9.
TEST_F(ServerProcessTest, AcknowledgedWriteSurvivesKill9) {
  auto process = Start();
  ASSERT_NE(process, nullptr);
  v1::Profile created;
  grpc::Status status = Stub()->CreateProfile(Context().get(), CreateRequest(""), &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  process->Signal(SIGKILL);
  EXPECT_EQ(process->Wait(), 128 + SIGKILL);

  process = Start();
  ASSERT_NE(process, nullptr);
  v1::GetProfileRequest get;
  get.set_name(created.name());
  v1::Profile got;
  status = Stub()->GetProfile(Context().get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

// Verifies that replaying a create's request_id after a restart returns the
// first result and creates nothing.
TEST_F(ServerProcessTest, RequestIdReplayAcrossRestart) {
  auto process = Start();
  ASSERT_NE(process, nullptr);
  v1::Profile first;
  grpc::Status status = Stub()->CreateProfile(Context().get(), CreateRequest("req-42"), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  process->Signal(SIGKILL);
  process->Wait();

  process = Start();
  ASSERT_NE(process, nullptr);
  v1::Profile second;
  status = Stub()->CreateProfile(Context().get(), CreateRequest("req-42"), &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  v1::ListProfilesRequest list;
  list.set_show_deleted(true);
  v1::ListProfilesResponse listed;
  ASSERT_TRUE(Stub()->ListProfiles(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.profiles_size(), 1);
}

// Verifies that SIGTERM while a call is in flight (held up by a database
// lock that this test holds) lets the call complete, then exits 0.
TEST_F(ServerProcessTest, SigtermDrainsInFlightCall) {
  auto process = Start({"--drain-timeout=20s"});
  ASSERT_NE(process, nullptr);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  auto stub = Stub();
  auto context = Context();
  v1::CreateProfileRequest request = CreateRequest("");
  v1::Profile created;
  absl::Notification done;
  grpc::Status call_status;
  stub->async()->CreateProfile(context.get(), &request, &created, [&](grpc::Status status) {
    call_status = std::move(status);
    done.Notify();
  });
  // The call is now waiting for the write lock inside the server.
  EXPECT_FALSE(done.WaitForNotificationWithTimeout(absl::Milliseconds(500)));
  process->Signal(SIGTERM);
  EXPECT_FALSE(process->Wait(absl::Milliseconds(500)).has_value()) << "exited before draining";
  EXPECT_FALSE(done.HasBeenNotified());

  ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(20)));
  EXPECT_TRUE(call_status.ok()) << call_status.error_message();
  EXPECT_FALSE(created.name().empty());
  EXPECT_EQ(process->Wait(), 0);
}

// Verifies that --migrate=only creates the schema and exits 0, and that a
// server with --migrate=off then serves that store.
TEST_F(ServerProcessTest, MigrateOnlyThenServeWithoutMigrating) {
  auto migrate = ServerProcess::Spawn({"--migrate=only", "--store=sqlite:" + db_path_},
                                      dir_.File("migrate.err"));
  ASSERT_NE(migrate, nullptr);
  EXPECT_EQ(migrate->Wait(), 0) << migrate->Stderr();
  EXPECT_THAT(migrate->RemainingStdout(), HasSubstr("migrated"));

  auto process = Start({"--migrate=off"});
  ASSERT_NE(process, nullptr);
  v1::Profile created;
  grpc::Status status = Stub()->CreateProfile(Context().get(), CreateRequest(""), &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// Verifies that --migrate=off on a SQLite store without the schema refuses
// to start: exit code 1, one plain line saying the schema is not migrated
// and how to migrate it, no "listening on", and no table created.
TEST_F(ServerProcessTest, MigrateOffWithoutSchemaRefusesToStart) {
  auto process =
      ServerProcess::Spawn({"--listen=127.0.0.1:0", "--store=sqlite:" + db_path_, "--migrate=off"},
                           dir_.File("off.err"));
  ASSERT_NE(process, nullptr);
  EXPECT_EQ(process->Wait(), 1);
  EXPECT_THAT(process->RemainingStdout(), Not(HasSubstr("listening on")));
  std::vector<std::string> plain;
  for (absl::string_view line : absl::StrSplit(process->Stderr(), '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "{")) plain.emplace_back(line);
  }
  ASSERT_EQ(plain.size(), 1u) << process->Stderr();
  EXPECT_THAT(plain[0], HasSubstr("profile-server: schema not migrated: sqlite:" + db_path_));
  EXPECT_THAT(plain[0], HasSubstr("run profile-server with --migrate=only (or auto)"));
  EXPECT_THAT(process->Stderr(), HasSubstr("schema_check_failed"));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
  int tables = -1;
  sqlite3_exec(
      db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
      [](void* out, int, char** values, char**) {
        *static_cast<int*>(out) = std::atoi(values[0]);
        return 0;
      },
      &tables, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(tables, 0);
}

// Verifies that flags can come from PROFILE_SERVER_* variables.
TEST_F(ServerProcessTest, EnvironmentConfiguresServer) {
  std::string env_db = dir_.File("from-env.db");
  auto process = ServerProcess::Spawn(
      {}, dir_.File("env.err"),
      {"PROFILE_SERVER_LISTEN=127.0.0.1:0", "PROFILE_SERVER_STORE=sqlite:" + env_db});
  ASSERT_NE(process, nullptr);
  std::optional<std::string> line = process->ReadStdoutLine();
  ASSERT_TRUE(line.has_value()) << process->Stderr();
  EXPECT_THAT(*line, HasSubstr("listening on 127.0.0.1:"));
  EXPECT_THAT(*line, HasSubstr("store sqlite:" + env_db));
}

// Verifies that a second server cannot take a port another one listens on
// (SO_REUSEPORT is off): it exits 1 with a clear message, and the first one
// keeps serving.
TEST_F(ServerProcessTest, SecondServerOnSamePortFails) {
  auto first = Start();
  ASSERT_NE(first, nullptr);
  std::string port = address_.substr(address_.rfind(':') + 1);

  TempDir other_dir;
  auto second = ServerProcess::Spawn(
      {"--listen=127.0.0.1:" + port, "--store=sqlite:" + other_dir.File("p.db")},
      dir_.File("second.err"));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->Wait(), 1);
  EXPECT_THAT(second->Stderr(), HasSubstr("cannot listen on 127.0.0.1:" + port));

  v1::GetProfileRequest get;
  get.set_name("profiles/nobody");
  v1::Profile ignored;
  EXPECT_EQ(Stub()->GetProfile(Context().get(), get, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Verifies that a second server on the SQLite file another one serves
// (and caches) refuses to start with one clear line and exit code 1, and so
// does a --migrate=only run, while the first keeps serving; servers with
// --profile_cache_mb=0 share a file, and keep a caching one out.
TEST_F(ServerProcessTest, SecondServerOnSameSqliteFileFails) {
  auto first = Start();
  ASSERT_NE(first, nullptr);
  std::string first_address = address_;

  auto second = ServerProcess::Spawn({"--listen=127.0.0.1:0", "--store=sqlite:" + db_path_},
                                     dir_.File("second.err"));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->Wait(), 1);
  EXPECT_THAT(second->Stderr(),
              HasSubstr("profile-server: sqlite:" + db_path_ + " is in use by another process"));
  // A migration run (which has no cache) would write behind the cache too.
  auto migrate = ServerProcess::Spawn({"--store=sqlite:" + db_path_, "--migrate=only"},
                                      dir_.File("migrate.err"));
  ASSERT_NE(migrate, nullptr);
  EXPECT_EQ(migrate->Wait(), 1);
  EXPECT_THAT(migrate->Stderr(), HasSubstr("is in use by a profile-server that caches profiles"));

  address_ = first_address;
  v1::Profile created;
  grpc::Status status = Stub()->CreateProfile(Context().get(), CreateRequest(""), &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  first->Signal(SIGTERM);
  EXPECT_EQ(first->Wait(), 0);

  auto uncached = Start({"--profile_cache_mb=0"});
  ASSERT_NE(uncached, nullptr);
  auto beside = Start({"--profile_cache_mb=0"});
  EXPECT_NE(beside, nullptr);
  // ...but a caching server does not start beside them.
  auto cached = ServerProcess::Spawn({"--listen=127.0.0.1:0", "--store=sqlite:" + db_path_},
                                     dir_.File("cached.err"));
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->Wait(), 1);
  EXPECT_THAT(cached->Stderr(), HasSubstr("is in use by another process"));
}

}  // namespace
}  // namespace cp::testing
