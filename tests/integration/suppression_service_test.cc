#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "domain/common/proto_time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

// A Norwegian mobile number in national form: 9xxxxxxx.
std::string Mobile(int i) { return absl::StrCat(90000000 + i); }
std::string E164(int i) { return absl::StrCat("+47", 90000000 + i); }

// SuppressionServiceTest runs each test on a server over SQLite and on one
// over the test MariaDB (skipped when CP_TEST_MYSQL_URI is unset).
class SuppressionServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { StartServer({}); }

  // StartServer starts the server on the test's backend with `options`.
  void StartServer(TestServerOptions options) {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    absl::StatusOr<std::unique_ptr<TestServer>> server =
        GetParam() == Backend::kSqlite ? TestServer::StartWithSqlite(std::move(options))
                                       : TestServer::StartWithMysql(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
    consents_ = v1::ConsentService::NewStub(server_->NewChannel());
    suppressions_ = v1::SuppressionService::NewStub(server_->NewChannel());
  }

  static void SetDeadline(grpc::ClientContext* context, int seconds = 20) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  }

  grpc::Status CreateList(const std::string& id, v1::IdentifierKind kind,
                          std::vector<v1::Channel> channels, v1::SuppressionList* out = nullptr) {
    v1::CreateSuppressionListRequest request;
    request.set_suppression_list_id(id);
    request.mutable_suppression_list()->set_display_name("Register " + id);
    request.mutable_suppression_list()->set_identifier_kind(kind);
    request.mutable_suppression_list()->set_source("Brønnøysundregistrene");
    for (v1::Channel channel : channels) request.mutable_suppression_list()->add_channels(channel);
    v1::SuppressionList list;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = suppressions_->CreateSuppressionList(&context, request, &list);
    if (out != nullptr) *out = list;
    return status;
  }

  // Import streams `lines` into a list in messages of `chunk` lines.
  grpc::Status Import(const std::string& list, v1::ImportMode mode,
                      const std::vector<std::string>& lines,
                      v1::ImportSuppressionEntriesResponse* response, size_t chunk = 10000) {
    grpc::ClientContext context;
    SetDeadline(&context, 300);
    std::unique_ptr<grpc::ClientWriter<v1::ImportSuppressionEntriesRequest>> writer =
        suppressions_->ImportSuppressionEntries(&context, response);
    size_t start = 0;
    do {
      v1::ImportSuppressionEntriesRequest request;
      if (start == 0) {
        request.set_suppression_list("suppressionLists/" + list);
        request.set_mode(mode);
      }
      for (size_t i = start; i < lines.size() && i < start + chunk; ++i) {
        request.add_lines(lines[i]);
      }
      if (!writer->Write(request)) break;
      start += chunk;
    } while (start < lines.size());
    writer->WritesDone();
    return writer->Finish();
  }

  v1::CheckSuppressionResponse Check(const std::string& identifier, const std::string& list = "") {
    v1::CheckSuppressionRequest request;
    request.set_identifier(identifier);
    if (!list.empty()) request.set_suppression_list("suppressionLists/" + list);
    v1::CheckSuppressionResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = suppressions_->CheckSuppression(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::SuppressionList GetList(const std::string& id) {
    v1::GetSuppressionListRequest request;
    request.set_name("suppressionLists/" + id);
    v1::SuppressionList list;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = suppressions_->GetSuppressionList(&context, request, &list);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return list;
  }

  void MustCreateProfile(const std::string& id, const std::string& phone,
                         const std::string& email) {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    request.mutable_profile()->set_given_name("Kari");
    request.mutable_profile()->add_emails()->set_address(email);
    request.mutable_profile()->add_phones()->set_number(phone);
    v1::Profile profile;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->CreateProfile(&context, request, &profile);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void MustCreatePurpose(const std::string& id) {
    v1::CreatePurposeRequest request;
    request.set_purpose_id(id);
    v1::Purpose* purpose = request.mutable_purpose();
    purpose->set_display_name("Offers");
    purpose->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
    purpose->add_channels(v1::CHANNEL_EMAIL);
    purpose->add_channels(v1::CHANNEL_SMS);
    purpose->set_notice_text("May we send you offers?");
    v1::Purpose created;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->CreatePurpose(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void MustGrant(const std::string& profile, const std::string& purpose, v1::Channel channel) {
    v1::RecordConsentRequest request;
    request.set_parent("profiles/" + profile);
    v1::ConsentEvent* event = request.mutable_consent_event();
    event->set_purpose("purposes/" + purpose);
    event->set_channel(channel);
    event->set_decision(v1::CONSENT_DECISION_GRANTED);
    event->set_notice_version(1);
    *event->mutable_occur_time() = domain::ToProtoTime(absl::Now() - absl::Minutes(1));
    event->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
    event->mutable_evidence()->set_source_system("webshop");
    v1::RecordConsentResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->RecordConsent(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  v1::ConsentCheck CheckConsent(const std::string& profile, v1::Channel channel) {
    v1::CheckConsentRequest request;
    request.set_profile("profiles/" + profile);
    request.set_purpose("purposes/offers");
    request.set_channel(channel);
    v1::CheckConsentResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = consents_->CheckConsent(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.check();
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
  std::unique_ptr<v1::SuppressionService::Stub> suppressions_;
};

// Verifies list validation: every bad field named at once, nothing
// created; duplicates and unknown lists answered with their codes.
TEST_P(SuppressionServiceTest, ListValidationAndErrors) {
  v1::CreateSuppressionListRequest request;
  request.set_suppression_list_id("Bad Id");
  request.mutable_suppression_list()->add_channels(static_cast<v1::Channel>(99));
  request.mutable_suppression_list()->set_entry_count(5);
  v1::SuppressionList list;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = suppressions_->CreateSuppressionList(&context, request, &list);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields = BadRequestFields(status);
  for (const char* field :
       {"suppression_list_id", "suppression_list.display_name", "suppression_list.identifier_kind",
        "suppression_list.channels[0]", "suppression_list.entry_count"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end()) << field;
  }

  ASSERT_TRUE(
      CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS, v1::CHANNEL_PHONE_CALL})
          .ok());
  status = CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ReasonOf(status), "SUPPRESSION_LIST_ALREADY_EXISTS");

  v1::GetSuppressionListRequest get;
  get.set_name("suppressionLists/none");
  grpc::ClientContext get_context;
  SetDeadline(&get_context);
  status = suppressions_->GetSuppressionList(&get_context, get, &list);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::AddSuppressionEntryRequest add;
  add.set_suppression_list("suppressionLists/rr");
  add.set_identifier("not a number");
  v1::SuppressionEntry entry;
  grpc::ClientContext add_context;
  SetDeadline(&add_context);
  status = suppressions_->AddSuppressionEntry(&add_context, add, &entry);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(status), std::vector<std::string>{"identifier"});
  EXPECT_EQ(GetList("rr").entry_count(), 0);

  v1::ImportSuppressionEntriesResponse response;
  status = Import("none", v1::IMPORT_MODE_REPLACE, {"91234567"}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = Import("rr", v1::IMPORT_MODE_UNSPECIFIED, {"91234567"}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(status), std::vector<std::string>{"mode"});
  EXPECT_EQ(GetList("rr").entry_count(), 0);
}

// Verifies the import counts (added, duplicate, rejected with line numbers
// and reasons, skipped), national and E.164 forms meeting in one entry,
// APPEND and REPLACE, single adds and removals, and the etag changing with
// the entries.
TEST_P(SuppressionServiceTest, ImportAddRemoveAndCheck) {
  ASSERT_TRUE(
      CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS, v1::CHANNEL_PHONE_CALL})
          .ok());
  std::string etag = GetList("rr").etag();
  v1::ImportSuppressionEntriesResponse response;
  grpc::Status status =
      Import("rr", v1::IMPORT_MODE_REPLACE,
             {"912 34 567", "+4791234567", "abc", "", "# comment", "41234567", "12"}, &response, 3);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.lines_read(), 7);
  EXPECT_EQ(response.added_count(), 2);
  EXPECT_EQ(response.duplicate_count(), 1);
  EXPECT_EQ(response.rejected_count(), 2);
  EXPECT_EQ(response.skipped_count(), 2);
  ASSERT_EQ(response.rejected_lines_size(), 2);
  EXPECT_EQ(response.rejected_lines(0).line_number(), 3);
  EXPECT_EQ(response.rejected_lines(1).line_number(), 7);
  EXPECT_EQ(response.rejected_lines(0).reason().find("abc"), std::string::npos);
  EXPECT_EQ(response.suppression_list().entry_count(), 2);
  EXPECT_NE(response.suppression_list().etag(), etag);

  EXPECT_TRUE(Check("+47 912 34 567").suppressed());
  EXPECT_EQ(Check("91234567").identifier(), "+4791234567");
  EXPECT_FALSE(Check("+4799999999").suppressed());

  status = Import("rr", v1::IMPORT_MODE_APPEND, {"41234567", "99999999"}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.added_count(), 1);
  EXPECT_EQ(response.duplicate_count(), 1);
  EXPECT_EQ(GetList("rr").entry_count(), 3);
  EXPECT_TRUE(Check("+4791234567").suppressed()) << "APPEND keeps the old entries";

  status = Import("rr", v1::IMPORT_MODE_REPLACE, {"99999999", "48000000"}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.added_count(), 2);
  EXPECT_EQ(GetList("rr").entry_count(), 2);
  EXPECT_FALSE(Check("+4791234567").suppressed()) << "REPLACE drops what the file lacks";
  EXPECT_TRUE(Check("+4799999999").suppressed());

  v1::AddSuppressionEntryRequest add;
  add.set_suppression_list("suppressionLists/rr");
  add.set_identifier("91234567");
  v1::SuppressionEntry entry;
  grpc::ClientContext add_context;
  SetDeadline(&add_context);
  ASSERT_TRUE(suppressions_->AddSuppressionEntry(&add_context, add, &entry).ok());
  EXPECT_EQ(entry.identifier(), "+4791234567");
  EXPECT_TRUE(Check("+4791234567", "rr").suppressed());
  EXPECT_EQ(GetList("rr").entry_count(), 3);

  v1::RemoveSuppressionEntryRequest remove;
  remove.set_suppression_list("suppressionLists/rr");
  remove.set_identifier("+47 91 23 45 67");
  v1::RemoveSuppressionEntryResponse removed;
  grpc::ClientContext remove_context;
  SetDeadline(&remove_context);
  ASSERT_TRUE(suppressions_->RemoveSuppressionEntry(&remove_context, remove, &removed).ok());
  EXPECT_TRUE(removed.removed());
  EXPECT_FALSE(Check("+4791234567").suppressed());
  EXPECT_EQ(GetList("rr").entry_count(), 2);

  v1::ListSuppressionListsRequest list_request;
  v1::ListSuppressionListsResponse lists;
  grpc::ClientContext list_context;
  SetDeadline(&list_context);
  ASSERT_TRUE(suppressions_->ListSuppressionLists(&list_context, list_request, &lists).ok());
  ASSERT_EQ(lists.suppression_lists_size(), 1);
  EXPECT_EQ(lists.suppression_lists(0).name(), "suppressionLists/rr");
}

// Verifies the consent check: a contact point on a list blocking the
// channel makes the check SUPPRESSED whatever the consent, naming the list
// and entry; email domains block every address at them; channels the list
// does not block stay allowed; removing the entry lifts it.
TEST_P(SuppressionServiceTest, SuppressedContactsFailConsentChecks) {
  MustCreatePurpose("offers");
  MustCreateProfile("kari", "+4791234567", "Kari@Example.com");
  MustCreateProfile("ola", "+4741234567", "ola@other.org");
  for (const char* profile : {"kari", "ola"}) {
    MustGrant(profile, "offers", v1::CHANNEL_SMS);
    MustGrant(profile, "offers", v1::CHANNEL_EMAIL);
  }
  EXPECT_TRUE(CheckConsent("kari", v1::CHANNEL_SMS).allowed());

  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  ASSERT_TRUE(CreateList("domains", v1::IDENTIFIER_KIND_EMAIL_DOMAIN, {v1::CHANNEL_EMAIL}).ok());
  v1::ImportSuppressionEntriesResponse response;
  ASSERT_TRUE(Import("rr", v1::IMPORT_MODE_REPLACE, {"91234567"}, &response).ok());
  ASSERT_TRUE(Import("domains", v1::IMPORT_MODE_REPLACE, {"EXAMPLE.com"}, &response).ok());

  v1::ConsentCheck sms = CheckConsent("kari", v1::CHANNEL_SMS);
  EXPECT_FALSE(sms.allowed());
  EXPECT_EQ(sms.reason(), v1::CHECK_REASON_SUPPRESSED);
  EXPECT_EQ(sms.suppression_list(), "suppressionLists/rr");
  EXPECT_EQ(sms.suppression_entry(), "+4791234567");
  v1::ConsentCheck email = CheckConsent("kari", v1::CHANNEL_EMAIL);
  EXPECT_FALSE(email.allowed());
  EXPECT_EQ(email.suppression_list(), "suppressionLists/domains");
  EXPECT_EQ(email.suppression_entry(), "example.com");
  EXPECT_TRUE(CheckConsent("ola", v1::CHANNEL_SMS).allowed());
  EXPECT_TRUE(CheckConsent("ola", v1::CHANNEL_EMAIL).allowed());

  v1::BatchCheckConsentRequest batch;
  batch.set_purpose("purposes/offers");
  batch.set_channel(v1::CHANNEL_SMS);
  batch.add_profiles("profiles/ola");
  batch.add_profiles("profiles/kari");
  v1::BatchCheckConsentResponse checks;
  grpc::ClientContext batch_context;
  SetDeadline(&batch_context);
  ASSERT_TRUE(consents_->BatchCheckConsent(&batch_context, batch, &checks).ok());
  ASSERT_EQ(checks.checks_size(), 2);
  EXPECT_TRUE(checks.checks(0).allowed());
  EXPECT_EQ(checks.checks(1).reason(), v1::CHECK_REASON_SUPPRESSED);
  EXPECT_EQ(checks.checks(1).suppression_list(), "suppressionLists/rr");

  v1::RemoveSuppressionEntryRequest remove;
  remove.set_suppression_list("suppressionLists/rr");
  remove.set_identifier("91234567");
  v1::RemoveSuppressionEntryResponse removed;
  grpc::ClientContext remove_context;
  SetDeadline(&remove_context);
  ASSERT_TRUE(suppressions_->RemoveSuppressionEntry(&remove_context, remove, &removed).ok());
  EXPECT_TRUE(CheckConsent("kari", v1::CHANNEL_SMS).allowed());
}

// Verifies the rule suppression.proto states for IDENTIFIER_KIND_EMAIL_ADDRESS:
// an entry is stored wholly lowercased, local part too, and blocks a
// profile's address whatever its case (profiles keep the local part's case).
TEST_P(SuppressionServiceTest, EmailEntriesAreWhollyLowercasedAndMatchAnyCase) {
  MustCreatePurpose("offers");
  MustCreateProfile("kari", "+4791234567", "KARI.Nordmann@example.com");
  MustGrant("kari", "offers", v1::CHANNEL_EMAIL);
  ASSERT_TRUE(CreateList("emails", v1::IDENTIFIER_KIND_EMAIL_ADDRESS, {v1::CHANNEL_EMAIL}).ok());
  v1::AddSuppressionEntryRequest add;
  add.set_suppression_list("suppressionLists/emails");
  add.set_identifier(" Kari.NORDMANN@Example.COM ");
  v1::SuppressionEntry entry;
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(suppressions_->AddSuppressionEntry(&context, add, &entry).ok());
  EXPECT_EQ(entry.identifier(), "kari.nordmann@example.com");
  v1::CheckSuppressionResponse checked = Check("kari.nordmann@EXAMPLE.com", "emails");
  EXPECT_TRUE(checked.suppressed());
  EXPECT_EQ(checked.identifier(), "kari.nordmann@example.com");
  v1::ConsentCheck email = CheckConsent("kari", v1::CHANNEL_EMAIL);
  EXPECT_EQ(email.reason(), v1::CHECK_REASON_SUPPRESSED);
  EXPECT_EQ(email.suppression_entry(), "kari.nordmann@example.com");
}

// Verifies that a cancelled import changes nothing, and that a deleted
// list stops suppressing at once.
TEST_P(SuppressionServiceTest, CancelledImportAndDeletedList) {
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  v1::ImportSuppressionEntriesResponse response;
  ASSERT_TRUE(Import("rr", v1::IMPORT_MODE_REPLACE, {"91234567"}, &response).ok());
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::ImportSuppressionEntriesResponse partial;
    auto writer = suppressions_->ImportSuppressionEntries(&context, &partial);
    v1::ImportSuppressionEntriesRequest request;
    request.set_suppression_list("suppressionLists/rr");
    request.set_mode(v1::IMPORT_MODE_REPLACE);
    for (int i = 0; i < 1000; ++i) request.add_lines(Mobile(1000 + i));
    ASSERT_TRUE(writer->Write(request));
    absl::SleepFor(absl::Milliseconds(300));
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(Check("+4791234567").suppressed());
  EXPECT_FALSE(Check(E164(1000)).suppressed());
  EXPECT_EQ(GetList("rr").entry_count(), 1);

  v1::DeleteSuppressionListRequest remove;
  remove.set_name("suppressionLists/rr");
  remove.set_etag("stale");
  v1::DeleteSuppressionListResponse deleted;
  grpc::ClientContext stale_context;
  SetDeadline(&stale_context);
  EXPECT_EQ(suppressions_->DeleteSuppressionList(&stale_context, remove, &deleted).error_code(),
            grpc::StatusCode::ABORTED);
  remove.set_etag(GetList("rr").etag());
  grpc::ClientContext context;
  SetDeadline(&context);
  ASSERT_TRUE(suppressions_->DeleteSuppressionList(&context, remove, &deleted).ok());
  EXPECT_EQ(deleted.suppression_list().entry_count(), 1);
  EXPECT_FALSE(Check("+4791234567").suppressed());
}

// RawStream sends `messages` (any bytes) as the messages of one
// ImportSuppressionEntries call on `channel` and returns its status.
grpc::Status RawStream(const std::shared_ptr<grpc::Channel>& channel,
                       const std::vector<std::string>& messages) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto call = stub.PrepareCall(
      &context, "/customerprofile.v1.SuppressionService/ImportSuppressionEntries", &cq);
  void* got = nullptr;
  bool ok = false;
  int tag = 0;
  call->StartCall(&tag);
  cq.Next(&got, &ok);
  for (const std::string& message : messages) {
    grpc::Slice slice(message);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, &tag);
    cq.Next(&got, &ok);
    if (!ok) break;
  }
  call->WritesDone(&tag);
  cq.Next(&got, &ok);
  grpc::Status status;
  call->Finish(&status, &tag);
  cq.Next(&got, &ok);
  cq.Shutdown();
  while (cq.Next(&got, &ok)) {
  }
  return status;
}

// Verifies that a stream message whose bytes do not parse ends an import
// with INVALID_ARGUMENT (reason MALFORMED_REQUEST), not UNIMPLEMENTED, and
// that nothing of the REPLACE it began is applied.
TEST_P(SuppressionServiceTest, MalformedStreamMessageIsInvalidArgument) {
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  v1::ImportSuppressionEntriesResponse response;
  ASSERT_TRUE(Import("rr", v1::IMPORT_MODE_REPLACE, {"91234567"}, &response).ok());
  v1::ImportSuppressionEntriesRequest first;
  first.set_suppression_list("suppressionLists/rr");
  first.set_mode(v1::IMPORT_MODE_REPLACE);
  first.add_lines(Mobile(2000));
  grpc::Status status =
      RawStream(server_->NewChannel(), {first.SerializeAsString(), std::string("\x0a\xff\xff", 3)});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(ReasonOf(status), "MALFORMED_REQUEST");
  EXPECT_TRUE(Check("+4791234567").suppressed());
  EXPECT_FALSE(Check(E164(2000)).suppressed());
  EXPECT_EQ(GetList("rr").entry_count(), 1);
}

// Verifies that concurrent single adds from several clients all land and
// keep the list's count exact (a write that loses the race on the list's
// revision is retried, not lost).
TEST_P(SuppressionServiceTest, ConcurrentAddsKeepTheCount) {
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  constexpr int kClients = 4;
  constexpr int kEach = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c]() {
      auto stub = v1::SuppressionService::NewStub(server_->NewChannel());
      for (int i = 0; i < kEach; ++i) {
        v1::AddSuppressionEntryRequest add;
        add.set_suppression_list("suppressionLists/rr");
        add.set_identifier(Mobile(c * 100 + i));
        v1::SuppressionEntry entry;
        grpc::ClientContext context;
        SetDeadline(&context);
        grpc::Status status = stub->AddSuppressionEntry(&context, add, &entry);
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << status.error_message();
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(GetList("rr").entry_count(), kClients * kEach);
  EXPECT_TRUE(Check(E164(314)).suppressed());
}

// Verifies the large import: 600,000 lines with 1% malformed
// replace a 300,000-entry list while checks run; no check ever sees a
// number that is on both the old and the new list as not suppressed, every
// good line is in and every malformed one reported.
TEST_P(SuppressionServiceTest, LargeReplaceIsAtomicUnderConcurrentChecks) {
  MustCreatePurpose("offers");
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  // Old list: 0..299,999. New list: 150,000..743,999 plus 6,000 malformed.
  std::vector<std::string> old_lines;
  for (int i = 0; i < 300000; ++i) old_lines.push_back(Mobile(i));
  v1::ImportSuppressionEntriesResponse response;
  ASSERT_TRUE(Import("rr", v1::IMPORT_MODE_REPLACE, old_lines, &response).ok());
  ASSERT_EQ(response.added_count(), 300000);
  old_lines.clear();
  std::vector<std::string> new_lines;
  new_lines.reserve(600000);
  for (int i = 150000; i < 744000; ++i) {
    new_lines.push_back(i % 2 == 0 ? Mobile(i) : E164(i));
    if (i % 99 == 0) new_lines.push_back(absl::StrCat("x", i));  // malformed
  }
  ASSERT_EQ(new_lines.size(), 600000u);
  // Profiles whose numbers are on both lists, each with an SMS grant.
  std::vector<std::string> both;
  for (int k = 0; k < 10; ++k) {
    std::string id = absl::StrCat("p", k);
    MustCreateProfile(id, E164(150000 + k * 1000), absl::StrCat(id, "@example.com"));
    MustGrant(id, "offers", v1::CHANNEL_SMS);
    both.push_back("profiles/" + id);
  }

  std::atomic<bool> done{false};
  std::atomic<int> checks{0};
  std::atomic<int> unsuppressed{0};
  std::thread identifier_checker([&]() {
    auto stub = v1::SuppressionService::NewStub(server_->NewChannel());
    for (int n = 0; !done.load(); ++n) {
      v1::CheckSuppressionRequest request;
      request.set_identifier(E164(150000 + (n * 7919) % 150000));
      v1::CheckSuppressionResponse result;
      grpc::ClientContext context;
      SetDeadline(&context);
      if (stub->CheckSuppression(&context, request, &result).ok()) {
        ++checks;
        if (!result.suppressed()) ++unsuppressed;
      }
    }
  });
  std::thread consent_checker([&]() {
    auto stub = v1::ConsentService::NewStub(server_->NewChannel());
    while (!done.load()) {
      v1::BatchCheckConsentRequest request;
      request.set_purpose("purposes/offers");
      request.set_channel(v1::CHANNEL_SMS);
      for (const std::string& name : both) request.add_profiles(name);
      v1::BatchCheckConsentResponse result;
      grpc::ClientContext context;
      SetDeadline(&context);
      if (stub->BatchCheckConsent(&context, request, &result).ok()) {
        for (const v1::ConsentCheck& check : result.checks()) {
          ++checks;
          if (check.reason() != v1::CHECK_REASON_SUPPRESSED) ++unsuppressed;
        }
      }
    }
  });
  grpc::Status status = Import("rr", v1::IMPORT_MODE_REPLACE, new_lines, &response);
  // Checks go on a moment after the swap too.
  absl::SleepFor(absl::Milliseconds(200));
  done.store(true);
  identifier_checker.join();
  consent_checker.join();
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_GT(checks.load(), 20);
  EXPECT_EQ(unsuppressed.load(), 0);
  EXPECT_EQ(response.lines_read(), 600000);
  EXPECT_EQ(response.rejected_count(), 6000);
  EXPECT_EQ(response.rejected_lines_size(), 100);
  EXPECT_EQ(response.added_count(), 594000);
  EXPECT_EQ(response.duplicate_count(), 0);
  EXPECT_EQ(GetList("rr").entry_count(), 594000);
  EXPECT_FALSE(Check(E164(0)).suppressed()) << "only on the old list";
  EXPECT_TRUE(Check(E164(743999)).suppressed()) << "only on the new list";
  EXPECT_TRUE(Check(E164(200000)).suppressed()) << "on both";
}

INSTANTIATE_TEST_SUITE_P(Backends, SuppressionServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

// SuppressionStreamLimitsTest runs on a server with short stream limits:
// streams end after 2 s without a message or 4 s in all, and a connection
// may hold 2 streams at once.
class SuppressionStreamLimitsTest : public SuppressionServiceTest {
 protected:
  static constexpr absl::Duration kIdleTimeout = absl::Seconds(2);
  static constexpr absl::Duration kMaxCallTime = absl::Seconds(4);

  void SetUp() override {
    TestServerOptions options;
    options.runner.stream_idle_timeout = kIdleTimeout;
    options.runner.dispatcher.max_call_time = kMaxCallTime;
    options.runner.max_concurrent_streams = 2;
    StartServer(std::move(options));
  }

  // FirstMessage is the first message of an import into `list`, with
  // `lines` lines.
  static v1::ImportSuppressionEntriesRequest FirstMessage(const std::string& list,
                                                          v1::ImportMode mode, int lines) {
    v1::ImportSuppressionEntriesRequest request;
    request.set_suppression_list("suppressionLists/" + list);
    request.set_mode(mode);
    for (int i = 0; i < lines; ++i) request.add_lines(Mobile(1000 + i));
    return request;
  }

  // LogHas tells whether a log line holds every one of `parts`.
  bool LogHas(const std::vector<std::string>& parts) const {
    for (const std::string& line : server_->LogLines()) {
      bool all = true;
      for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
      if (all) return true;
    }
    return false;
  }
};

// Verifies that a stream that opens and sends nothing ends with
// DEADLINE_EXCEEDED (STREAM_IDLE_TIMEOUT) at the idle limit, long before the
// client's deadline, and that its end is logged.
TEST_P(SuppressionStreamLimitsTest, SilentStreamEndsAtIdleLimit) {
  grpc::ClientContext context;
  SetDeadline(&context, 20);
  v1::ImportSuppressionEntriesResponse response;
  absl::Time start = absl::Now();
  auto writer = suppressions_->ImportSuppressionEntries(&context, &response);
  grpc::Status status = writer->Finish();
  absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_EQ(ReasonOf(status), "STREAM_IDLE_TIMEOUT");
  EXPECT_GE(elapsed, kIdleTimeout - absl::Milliseconds(100));
  EXPECT_LT(elapsed, kIdleTimeout + absl::Seconds(2));
  EXPECT_TRUE(LogHas({"ImportSuppressionEntries", "STREAM_IDLE_TIMEOUT"}));
}

// Verifies that a stream without a client deadline ends with
// DEADLINE_EXCEEDED at the server's longest call time although its client
// keeps sending (each message well within the idle limit), and that
// nothing of the APPEND is applied.
TEST_P(SuppressionStreamLimitsTest, BusyStreamEndsAtCallDeadline) {
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  grpc::ClientContext context;
  v1::ImportSuppressionEntriesResponse response;
  absl::Time start = absl::Now();
  auto writer = suppressions_->ImportSuppressionEntries(&context, &response);
  v1::ImportSuppressionEntriesRequest request = FirstMessage("rr", v1::IMPORT_MODE_APPEND, 1);
  // 20 messages 500 ms apart outlast the 4 s call time by far.
  for (int i = 0; i < 20 && writer->Write(request); ++i) {
    request.Clear();
    request.add_lines(Mobile(2000 + i));
    absl::SleepFor(absl::Milliseconds(500));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_EQ(ReasonOf(status), "DEADLINE_EXCEEDED");
  EXPECT_GE(elapsed, kMaxCallTime - absl::Milliseconds(100));
  EXPECT_LT(elapsed, kMaxCallTime + absl::Seconds(2));
  EXPECT_EQ(GetList("rr").entry_count(), 0);
  EXPECT_FALSE(Check(E164(1000)).suppressed());
}

// Verifies that a REPLACE that sent lines and then idles out is abandoned:
// the list keeps its entries and none of the new lines appear.
TEST_P(SuppressionStreamLimitsTest, IdleReplaceChangesNothing) {
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  v1::ImportSuppressionEntriesResponse response;
  ASSERT_TRUE(Import("rr", v1::IMPORT_MODE_REPLACE, {"91234567"}, &response).ok());
  std::string etag = GetList("rr").etag();

  grpc::ClientContext context;
  SetDeadline(&context, 20);
  auto writer = suppressions_->ImportSuppressionEntries(&context, &response);
  ASSERT_TRUE(writer->Write(FirstMessage("rr", v1::IMPORT_MODE_REPLACE, 1000)));
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_EQ(ReasonOf(status), "STREAM_IDLE_TIMEOUT");

  v1::SuppressionList list = GetList("rr");
  EXPECT_EQ(list.entry_count(), 1);
  EXPECT_EQ(list.etag(), etag);
  EXPECT_TRUE(Check("+4791234567").suppressed());
  EXPECT_FALSE(Check(E164(1000)).suppressed());
  EXPECT_FALSE(Check(E164(1999)).suppressed());
}

// Verifies --max-concurrent-streams: with two import streams open on a
// connection, a third call on it waits (and misses its deadline) while a
// call on another connection succeeds; once the streams idled out, the
// first connection serves again.
TEST_P(SuppressionStreamLimitsTest, StreamsPerConnectionAreLimited) {
  ASSERT_TRUE(CreateList("rr", v1::IDENTIFIER_KIND_PHONE_NUMBER, {v1::CHANNEL_SMS}).ok());
  auto stub = v1::SuppressionService::NewStub(server_->NewChannel());
  auto get = [](v1::SuppressionService::Stub* on, absl::Duration timeout) {
    v1::GetSuppressionListRequest request;
    request.set_name("suppressionLists/rr");
    v1::SuppressionList list;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return on->GetSuppressionList(&context, request, &list);
  };
  // Connected, with the server's settings (the stream limit) received.
  ASSERT_TRUE(get(stub.get(), absl::Seconds(5)).ok());

  grpc::ClientContext first_context;
  grpc::ClientContext second_context;
  v1::ImportSuppressionEntriesResponse first_response;
  v1::ImportSuppressionEntriesResponse second_response;
  auto first = stub->ImportSuppressionEntries(&first_context, &first_response);
  auto second = stub->ImportSuppressionEntries(&second_context, &second_response);
  ASSERT_TRUE(first->Write(FirstMessage("rr", v1::IMPORT_MODE_APPEND, 1)));
  ASSERT_TRUE(second->Write(FirstMessage("rr", v1::IMPORT_MODE_APPEND, 1)));
  absl::SleepFor(absl::Milliseconds(200));

  absl::Time start = absl::Now();
  grpc::Status third = get(stub.get(), absl::Milliseconds(700));
  EXPECT_EQ(third.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << third.error_message();
  EXPECT_LT(absl::Now() - start, kIdleTimeout) << "answered only after a stream idled out";
  grpc::Status other =
      get(v1::SuppressionService::NewStub(server_->NewChannel()).get(), absl::Seconds(5));
  EXPECT_TRUE(other.ok()) << other.error_message();

  EXPECT_EQ(first->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(second->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  grpc::Status after = get(stub.get(), absl::Seconds(5));
  EXPECT_TRUE(after.ok()) << after.error_message();
}

INSTANTIATE_TEST_SUITE_P(Backends, SuppressionStreamLimitsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace cp::testing
