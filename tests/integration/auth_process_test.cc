#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/auth/api_key.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Server is the built profile-server binary as a child process, its
// stdout and stderr in files. Killed when destroyed.
class Server {
 public:
  Server(const TempDir& dir, std::vector<std::string> args) : dir_(dir) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, dir.File("stdout").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, dir.File("stderr").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    args.insert(args.begin(), CP_SERVER_BINARY);
    args.push_back(absl::StrCat("--store=sqlite:", dir.File("p.db")));
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, CP_SERVER_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Server() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Address waits for the "listening on" line and returns HOST:PORT, or ""
  // when the process exits first (its exit code in *exit_code).
  std::string Address(int* exit_code = nullptr) {
    for (int i = 0; i < 300; ++i) {
      std::string out = ReadAll(dir_.File("stdout"));
      if (size_t at = out.find("listening on "); at != std::string::npos) {
        std::string rest = out.substr(at + 13);
        return rest.substr(0, rest.find(','));
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        if (exit_code != nullptr) *exit_code = WEXITSTATUS(status);
        return "";
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return "";
  }
  pid_t pid() const { return pid_; }
  std::string Stderr() const { return ReadAll(dir_.File("stderr")); }

 private:
  const TempDir& dir_;
  pid_t pid_ = -1;
};

grpc::StatusCode Get(std::shared_ptr<grpc::Channel> channel, const std::string& key) {
  auto stub = v1::ProfileService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  if (!key.empty()) ctx.AddMetadata("authorization", absl::StrCat("Bearer ", key));
  v1::GetProfileRequest request;
  request.set_name("profiles/missing");
  v1::Profile profile;
  return stub->GetProfile(&ctx, request, &profile).error_code();
}

std::string Config(const std::vector<std::string>& keys) {
  std::string text = "apps:\n  - id: shop\n    scopes: [profiles.read]\n    api_keys:\n";
  for (const std::string& key : keys) {
    absl::StrAppend(&text, "      - ", server::auth::HashApiKey(key), "\n");
  }
  absl::StrAppend(&text, "client_certificates:\n  - subject: shop.test\n    app: shop\n");
  return text;
}

// Verifies that a key removed from the file stops working after SIGHUP
// while the other key keeps working, and that a broken file keeps the old
// config.
TEST(AuthProcessTest, RevokedKeyAfterSighup) {
  TempDir dir;
  WriteFile(dir.File("auth.yaml"), Config({"old-key", "new-key"}));
  Server server(dir,
                {"--listen=127.0.0.1:0", absl::StrCat("--auth-config=", dir.File("auth.yaml"))});
  std::string address = server.Address();
  ASSERT_FALSE(address.empty()) << server.Stderr();
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  EXPECT_EQ(Get(channel, "old-key"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(channel, ""), grpc::StatusCode::UNAUTHENTICATED);

  WriteFile(dir.File("auth.yaml"), Config({"new-key"}));
  kill(server.pid(), SIGHUP);
  grpc::StatusCode revoked = grpc::StatusCode::OK;
  for (int i = 0; i < 100 && revoked != grpc::StatusCode::UNAUTHENTICATED; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    revoked = Get(channel, "old-key");
  }
  EXPECT_EQ(revoked, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Get(channel, "new-key"), grpc::StatusCode::NOT_FOUND);

  WriteFile(dir.File("auth.yaml"), "apps: [ {id: ");
  kill(server.pid(), SIGHUP);
  for (int i = 0; i < 100 && !absl::StrContains(server.Stderr(), "auth_config_reload_failed");
       ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(absl::StrContains(server.Stderr(), "auth_config_reload_failed"));
  EXPECT_EQ(Get(channel, "new-key"), grpc::StatusCode::NOT_FOUND);
}

// Verifies, on the real binary, that no email address, phone number or name
// of the test data reaches its stdout or stderr, whatever the calls do:
// created, read, listed with a filter on the email, refused for a missing
// scope or a bad key, invalid (a malformed email, a broken filter).
TEST(AuthProcessTest, LogsHoldNoPersonalData) {
  constexpr char kEmail[] = "solveig.haugland@example.com";
  constexpr char kPhone[] = "+4791234567";
  constexpr char kGivenName[] = "Solveigunn";
  constexpr char kFamilyName[] = "Haugsnesland";
  TempDir dir;
  WriteFile(dir.File("auth.yaml"),
            absl::StrCat("apps:\n  - id: admin\n    scopes: [profiles.read, profiles.write, "
                         "pii.read]\n    api_keys: [\"",
                         server::auth::HashApiKey("admin-key"),
                         "\"]\n  - id: reader\n    scopes: [profiles.read]\n    api_keys: [\"",
                         server::auth::HashApiKey("reader-key"), "\"]\n"));
  Server server(dir, {"--listen=127.0.0.1:0", "--log-level=debug",
                      absl::StrCat("--auth-config=", dir.File("auth.yaml"))});
  std::string address = server.Address();
  ASSERT_FALSE(address.empty()) << server.Stderr();
  auto stub =
      v1::ProfileService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto call = [&](const std::string& key, auto method, const auto& request, auto* response) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", key));
    return ((*stub).*method)(&ctx, request, response);
  };
  v1::CreateProfileRequest create;
  create.set_profile_id("solveig");
  create.mutable_profile()->set_given_name(kGivenName);
  create.mutable_profile()->set_family_name(kFamilyName);
  create.mutable_profile()->set_display_name(absl::StrCat(kGivenName, " ", kFamilyName));
  create.mutable_profile()->add_emails()->set_address(kEmail);
  create.mutable_profile()->add_phones()->set_number(kPhone);
  v1::Profile profile;
  ASSERT_TRUE(call("admin-key", &v1::ProfileService::Stub::CreateProfile, create, &profile).ok());
  create.set_profile_id("solveig2");
  create.mutable_profile()->mutable_emails(0)->set_address("solveig.haugland@@example");
  EXPECT_EQ(
      call("admin-key", &v1::ProfileService::Stub::CreateProfile, create, &profile).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  create.set_profile_id("solveig");
  EXPECT_FALSE(call("reader-key", &v1::ProfileService::Stub::CreateProfile, create, &profile).ok());
  EXPECT_FALSE(call("wrong-key", &v1::ProfileService::Stub::CreateProfile, create, &profile).ok());
  v1::GetProfileRequest get;
  get.set_name("profiles/solveig");
  EXPECT_TRUE(call("reader-key", &v1::ProfileService::Stub::GetProfile, get, &profile).ok());
  v1::ListProfilesRequest list;
  v1::ListProfilesResponse page;
  list.set_filter(absl::StrCat("display_name = \"", kGivenName, " ", kFamilyName, "\""));
  grpc::Status listed = call("admin-key", &v1::ProfileService::Stub::ListProfiles, list, &page);
  EXPECT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_EQ(page.profiles_size(), 1);
  // A bad filter on an address (emails.address allows only = != :).
  list.set_filter(absl::StrCat("emails.address < \"", kEmail, "\""));
  EXPECT_EQ(call("admin-key", &v1::ProfileService::Stub::ListProfiles, list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(call("reader-key", &v1::ProfileService::Stub::ListProfiles, list, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  list.set_filter(absl::StrCat("given_name ~~ \"", kGivenName, "\""));
  EXPECT_EQ(call("admin-key", &v1::ProfileService::Stub::ListProfiles, list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::UpdateProfileRequest update;
  update.mutable_profile()->set_name("profiles/solveig");
  update.mutable_profile()->add_phones()->set_number("+47 912 34 567 not a phone");
  update.mutable_update_mask()->add_paths("phones");
  EXPECT_FALSE(call("admin-key", &v1::ProfileService::Stub::UpdateProfile, update, &profile).ok());

  kill(server.pid(), SIGTERM);
  for (int i = 0; i < 100 && !absl::StrContains(server.Stderr(), "\"exit\""); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::string logs = absl::StrCat(server.Stderr(), ReadAll(dir.File("stdout")));
  ASSERT_TRUE(absl::StrContains(logs, "CreateProfile")) << logs;
  ASSERT_TRUE(absl::StrContains(logs, "access_denied")) << logs;
  for (const char* personal : {kEmail, "solveig.haugland", "example.com", kPhone, "91234567",
                               "912 34 567", kGivenName, kFamilyName}) {
    EXPECT_FALSE(absl::StrContains(logs, personal)) << personal << " in:\n" << logs;
  }
  // The allowed calls' lines name their app; the bad key's line names none.
  std::set<std::string> allowed_apps;
  bool anonymous_refusal = false;
  std::istringstream lines(server.Stderr());
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object() || !parsed.contains("method")) continue;
    if (parsed["code"] == "OK") allowed_apps.insert(parsed.value("app_id", ""));
    if (parsed["code"] == "UNAUTHENTICATED" && parsed["app_id"] == "-") anonymous_refusal = true;
  }
  EXPECT_EQ(allowed_apps, (std::set<std::string>{"admin", "reader"})) << logs;
  EXPECT_TRUE(anonymous_refusal) << logs;
}

// ReflectionAnswer is how a server reflection stream ended, and the bytes of
// the one response it gave (empty when none).
struct ReflectionAnswer {
  grpc::Status status;
  std::string response;
};

// ListServicesByReflection asks server reflection, without a credential, to
// list the services, and reads at most one response.
ReflectionAnswer ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  // ServerReflectionRequest{list_services: "*"}: field 7, length-delimited.
  const std::string request("\x3a\x01*", 3);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  grpc::ByteBuffer in;
  ReflectionAnswer answer;
  int tags[5];
  void* got = nullptr;
  bool ok = false;
  call->StartCall(&tags[0]);
  cq.Next(&got, &ok);
  call->Write(out, &tags[1]);
  cq.Next(&got, &ok);
  call->Read(&in, &tags[2]);
  cq.Next(&got, &ok);
  if (ok) {
    grpc::Slice whole;
    if (in.TrySingleSlice(&whole).ok() || in.DumpToSingleSlice(&whole).ok()) {
      answer.response.assign(reinterpret_cast<const char*>(whole.begin()), whole.size());
    }
  }
  call->WritesDone(&tags[3]);
  cq.Next(&got, &ok);
  call->Finish(&answer.status, &tags[4]);
  while (cq.Next(&got, &ok) && got != &tags[4]) {
  }
  cq.Shutdown();
  while (cq.Next(&got, &ok)) {
  }
  return answer;
}

// Verifies, on the binary, that server reflection follows the auth config
// across SIGHUP without a restart: on by default (it lists the services),
// switched off (PERMISSION_DENIED, no response, a logged denial, the API
// unaffected), switched on again (it lists them again).
TEST(AuthProcessTest, ReflectionFollowsTheConfigAcrossSighup) {
  TempDir dir;
  WriteFile(dir.File("auth.yaml"), Config({"a-key"}));
  Server server(dir,
                {"--listen=127.0.0.1:0", absl::StrCat("--auth-config=", dir.File("auth.yaml"))});
  std::string address = server.Address();
  ASSERT_FALSE(address.empty()) << server.Stderr();
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  ReflectionAnswer on = ListServicesByReflection(channel);
  EXPECT_TRUE(on.status.ok()) << on.status.error_message();
  EXPECT_TRUE(absl::StrContains(on.response, "customerprofile.v1.ProfileService"));

  // Reload waits for the reload after a SIGHUP with `config` in the file,
  // then for reflection to answer with `expected`.
  auto reload = [&](const std::string& config, grpc::StatusCode expected) {
    WriteFile(dir.File("auth.yaml"), config);
    kill(server.pid(), SIGHUP);
    ReflectionAnswer answer = ListServicesByReflection(channel);
    for (int i = 0; i < 100 && answer.status.error_code() != expected; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
      answer = ListServicesByReflection(channel);
    }
    return answer;
  };
  ReflectionAnswer off = reload(absl::StrCat("reflection: false\n", Config({"a-key"})),
                                grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(off.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << off.status.error_message();
  EXPECT_TRUE(absl::StrContains(off.status.error_message(), "reflection is switched off"));
  EXPECT_EQ(off.response, "");
  EXPECT_EQ(Get(channel, "a-key"), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(server.Stderr(), "REFLECTION_DISABLED")) << server.Stderr();

  ReflectionAnswer again = reload(Config({"a-key"}), grpc::StatusCode::OK);
  EXPECT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_TRUE(absl::StrContains(again.response, "customerprofile.v1.ProfileService"));
}

// Verifies that without an auth config the server refuses a non-loopback
// address with a clear message, and warns once on loopback.
TEST(AuthProcessTest, DevelopmentModeOnlyOnLoopback) {
  TempDir dir;
  int exit_code = 0;
  {
    Server server(dir, {"--listen=0.0.0.0:0"});
    EXPECT_EQ(server.Address(&exit_code), "");
    EXPECT_NE(exit_code, 0);
    EXPECT_TRUE(absl::StrContains(server.Stderr(), "without --auth-config")) << server.Stderr();
  }
  TempDir dir2;
  Server local(dir2, {"--listen=127.0.0.1:0"});
  ASSERT_FALSE(local.Address().empty());
  std::string err = local.Stderr();
  EXPECT_TRUE(absl::StrContains(err, "auth_disabled"));
}

// Verifies that --insecure-no-auth lets a server without an auth config
// listen on every address, with the warning at start and on the serving
// line, and that it cannot be combined with an auth config.
TEST(AuthProcessTest, InsecureNoAuthServesOffLoopbackWithAWarning) {
  TempDir dir;
  Server server(dir, {"--listen=0.0.0.0:0", "--insecure-no-auth"});
  std::string address = server.Address();
  ASSERT_FALSE(address.empty()) << server.Stderr();
  std::string port = address.substr(address.rfind(':') + 1);
  auto channel = grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials());
  EXPECT_EQ(Get(channel, ""), grpc::StatusCode::NOT_FOUND) << "every caller is let in";
  std::string err = server.Stderr();
  EXPECT_TRUE(absl::StrContains(err, "NO AUTHENTICATION")) << err;
  EXPECT_TRUE(absl::StrContains(err, "\"event\":\"serving\"")) << err;
  TempDir both;
  WriteFile(both.File("auth.yaml"), Config({"a-key"}));
  int exit_code = 0;
  Server refused(both, {"--listen=0.0.0.0:0", "--insecure-no-auth",
                        "--auth-config=" + both.File("auth.yaml")});
  EXPECT_EQ(refused.Address(&exit_code), "");
  EXPECT_NE(exit_code, 0);
  EXPECT_TRUE(absl::StrContains(refused.Stderr(), "--insecure-no-auth")) << refused.Stderr();
}

// Verifies that with an auth config but no TLS the server refuses a
// non-loopback address (credentials would cross the network in clear),
// serves there with --insecure-plaintext and a warning line, and serves on
// loopback without one.
TEST(AuthProcessTest, PlaintextWithAuthOnlyOnLoopbackUnlessInsecurePlaintext) {
  TempDir dir;
  WriteFile(dir.File("auth.yaml"), "reflection: true\n" + Config({"a-key"}));
  std::string auth = "--auth-config=" + dir.File("auth.yaml");
  {
    TempDir run;
    int exit_code = 0;
    Server server(run, {"--listen=0.0.0.0:0", auth});
    EXPECT_EQ(server.Address(&exit_code), "");
    EXPECT_NE(exit_code, 0);
    std::string err = server.Stderr();
    EXPECT_TRUE(absl::StrContains(err, "in plaintext")) << err;
    EXPECT_TRUE(absl::StrContains(err, "--insecure-plaintext")) << err;
  }
  {
    TempDir run;
    Server server(run, {"--listen=0.0.0.0:0", auth, "--insecure-plaintext"});
    std::string address = server.Address();
    ASSERT_FALSE(address.empty()) << server.Stderr();
    std::string port = address.substr(address.rfind(':') + 1);
    auto channel = grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials());
    EXPECT_EQ(Get(channel, "a-key"), grpc::StatusCode::NOT_FOUND);
    std::string err = server.Stderr();
    EXPECT_TRUE(absl::StrContains(err, "\"event\":\"plaintext\"")) << err;
    EXPECT_TRUE(absl::StrContains(err, "\"level\":\"warn\"")) << err;
  }
  {
    TempDir run;
    Server server(run, {"--listen=127.0.0.1:0", auth});
    ASSERT_FALSE(server.Address().empty()) << server.Stderr();
    EXPECT_FALSE(absl::StrContains(server.Stderr(), "\"event\":\"plaintext\""));
  }
}

// Shell runs a shell command, true on exit 0.
bool Shell(const std::string& command) { return std::system(command.c_str()) == 0; }

// Verifies mutual TLS: no client certificate -> UNAUTHENTICATED; one from an
// unknown CA -> the handshake fails (UNAVAILABLE); a valid one mapped to an
// app -> admitted.
TEST(AuthProcessTest, MutualTls) {
  TempDir dir;
  std::string d = dir.path();
  auto ca = [&](const std::string& name) {
    return Shell(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=", name,
                              " -keyout ", d, "/", name, ".key -out ", d, "/", name,
                              ".pem 2>/dev/null"));
  };
  auto leaf = [&](const std::string& name, const std::string& issuer, const std::string& san) {
    return Shell(absl::StrCat("cd ", d, " && printf 'subjectAltName=DNS:", san, "' > ", name,
                              ".ext && openssl req -newkey rsa:2048 -nodes -subj /CN=", san,
                              " -keyout ", name, ".key -out ", name,
                              ".csr 2>/dev/null && openssl x509 -req -in ", name, ".csr -CA ",
                              issuer, ".pem -CAkey ", issuer, ".key -CAcreateserial -days 1 -out ",
                              name, ".pem -extfile ", name, ".ext 2>/dev/null"));
  };
  ASSERT_TRUE(ca("ca") && ca("rogue"));
  ASSERT_TRUE(leaf("server", "ca", "localhost") && leaf("client", "ca", "shop.test") &&
              leaf("intruder", "rogue", "shop.test"));
  WriteFile(dir.File("auth.yaml"), Config({"a-key"}));
  Server server(dir, {"--listen=127.0.0.1:0", absl::StrCat("--auth-config=", d, "/auth.yaml"),
                      absl::StrCat("--tls-cert=", d, "/server.pem"),
                      absl::StrCat("--tls-key=", d, "/server.key"),
                      absl::StrCat("--tls-client-ca=", d, "/ca.pem")});
  std::string address = server.Address();
  ASSERT_FALSE(address.empty()) << server.Stderr();
  std::string port = address.substr(address.rfind(':') + 1);
  auto channel = [&](const std::string& client) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadAll(dir.File("ca.pem"));
    if (!client.empty()) {
      ssl.pem_private_key = ReadAll(dir.File(client + ".key"));
      ssl.pem_cert_chain = ReadAll(dir.File(client + ".pem"));
    }
    return grpc::CreateChannel(absl::StrCat("localhost:", port), grpc::SslCredentials(ssl));
  };
  EXPECT_EQ(Get(channel(""), ""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Get(channel(""), "a-key"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(channel("intruder"), ""), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Get(channel("client"), ""), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace cp::testing
