#include "client/suppression_importer.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/test_server.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

// ImportRegisterTest streams register files into a real server over a
// real socket.
class ImportRegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::TestServer::StartWithSqlite();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::SuppressionService::NewStub(server_->NewChannel());
    v1::CreateSuppressionListRequest request;
    request.set_suppression_list_id("reservasjon");
    request.mutable_suppression_list()->set_display_name("Reservasjonsregisteret");
    request.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_PHONE_NUMBER);
    request.mutable_suppression_list()->add_channels(v1::CHANNEL_PHONE_CALL);
    v1::SuppressionList list;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    ASSERT_TRUE(stub_->CreateSuppressionList(&context, request, &list).ok());
    connection_.endpoint = server_->address();
  }

  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::SuppressionService::Stub> stub_;
  Options connection_;
};

// Verifies that a file with CRLF line ends, blank lines and a malformed
// line is streamed in chunks and counted line by line.
TEST_F(ImportRegisterTest, StreamsAFileInChunks) {
  std::istringstream file("91234567\r\n+47 412 34 567\r\n\r\nnot a number\r\n48000000\r\n");
  ImportRegisterOptions options;
  options.list = "reservasjon";
  options.chunk = 2;
  auto response = ImportRegister(connection_, options, file);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->lines_read(), 5);
  EXPECT_EQ(response->added_count(), 3);
  EXPECT_EQ(response->skipped_count(), 1);
  EXPECT_EQ(response->rejected_count(), 1);
  ASSERT_EQ(response->rejected_lines_size(), 1);
  EXPECT_EQ(response->rejected_lines(0).line_number(), 4);
  EXPECT_EQ(response->suppression_list().entry_count(), 3);

  std::istringstream append("99999999\n91234567\n");
  options.mode = v1::IMPORT_MODE_APPEND;
  response = ImportRegister(connection_, options, append);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->added_count(), 1);
  EXPECT_EQ(response->duplicate_count(), 1);
  EXPECT_EQ(response->suppression_list().entry_count(), 4);
}

// Verifies that an unknown list fails with its code, and that an empty
// file cannot empty a register by REPLACE.
TEST_F(ImportRegisterTest, UnknownListAndEmptyFile) {
  std::istringstream file("91234567\n");
  ImportRegisterOptions options;
  options.list = "suppressionLists/none";
  auto response = ImportRegister(connection_, options, file);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);

  options.list = "reservasjon";
  std::istringstream one("91234567\n");
  ASSERT_TRUE(ImportRegister(connection_, options, one).ok());
  std::istringstream empty("");
  response = ImportRegister(connection_, options, empty);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kFailedPrecondition);
  std::istringstream wrong_format("phone;name\nabc;Kari\n");
  response = ImportRegister(connection_, options, wrong_format);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kFailedPrecondition);
  std::istringstream again("91234567\n");
  options.mode = v1::IMPORT_MODE_APPEND;
  response = ImportRegister(connection_, options, again);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->suppression_list().entry_count(), 1) << "the register kept its entry";
}

}  // namespace
}  // namespace cp::client
