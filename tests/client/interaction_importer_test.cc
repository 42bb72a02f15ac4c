#include "client/interaction_importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "client/error_details.h"
#include "client/import_report.h"
#include "customerprofile/v1/interaction_service_mock.grpc.pb.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

constexpr char kLine[] =
    R"({"parent": "profiles/ada", "interaction": {"kind": "INTERACTION_KIND_VISIT"}})";

class InteractionImporterTest : public ::testing::Test {
 protected:
  InteractionClient MakeClient() {
    Options options;
    options.retry.max_attempts = 1;
    return InteractionClient(stub_, options, [](absl::Duration) {});
  }

  std::shared_ptr<v1::MockInteractionServiceStub> stub_ =
      std::make_shared<v1::MockInteractionServiceStub>();
};

// Verifies lines go in batches of --batch, blank lines are skipped, a line
// that is not JSON fails on its own without a call, an item the server
// refuses fails with its code, and progress is reported after each batch.
TEST_F(InteractionImporterTest, BatchesLinesAndNamesEveryFailedOne) {
  std::vector<int> sizes;
  EXPECT_CALL(*stub_, BatchRecordInteractions(_, _, _))
      .Times(2)
      .WillRepeatedly([&](grpc::ClientContext*, const v1::BatchRecordInteractionsRequest& request,
                          v1::BatchRecordInteractionsResponse* response) {
        sizes.push_back(request.requests_size());
        for (int i = 0; i < request.requests_size(); ++i) {
          v1::RecordInteractionResult* result = response->add_results();
          if (sizes.size() == 2 && i == 0) {
            result->mutable_error()->set_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
            result->mutable_error()->set_message("profile not found");
          } else {
            result->mutable_interaction()->set_name("profiles/ada/interactions/x");
          }
        }
        return grpc::Status::OK;
      });
  std::istringstream file(absl::StrCat(kLine, "\n", kLine, "\n\n{not json\n", kLine, "\n"));
  InteractionClient client = MakeClient();
  std::vector<ImportProgress> seen;
  ImportInteractionsOptions options;
  options.batch = 2;
  options.progress = [&](const ImportProgress& progress) { seen.push_back(progress); };
  ImportSummary summary = ImportInteractions(client, file, options);
  EXPECT_THAT(sizes, ::testing::ElementsAre(2, 1));
  EXPECT_EQ(summary.lines, 4);
  EXPECT_EQ(summary.recorded, 2);
  ASSERT_EQ(summary.failures.size(), 2u);
  EXPECT_EQ(summary.failures[0].line, 4);
  EXPECT_EQ(summary.failures[0].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(summary.failures[1].line, 5);
  EXPECT_EQ(summary.failures[1].status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(summary.stopped.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.back().lines, 4);
  EXPECT_EQ(seen.back().failed, 2);

  const std::string json = SummaryJson(summary);
  EXPECT_THAT(json, HasSubstr(R"("failed": 2)"));
  EXPECT_THAT(json, HasSubstr(R"("code": "NOT_FOUND")"));
}

// Verifies a batch that fails as a whole stops the import there: its lines
// are failures, the lines after it are not read, and `stopped` says why.
TEST_F(InteractionImporterTest, AFailedCallStopsTheImport) {
  EXPECT_CALL(*stub_, BatchRecordInteractions(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no scope")));
  std::istringstream file(absl::StrCat(kLine, "\n", kLine, "\n", kLine, "\n"));
  InteractionClient client = MakeClient();
  ImportInteractionsOptions options;
  options.batch = 2;
  ImportSummary summary = ImportInteractions(client, file, options);
  EXPECT_EQ(summary.stopped.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(summary.lines, 2);
  EXPECT_EQ(summary.failures.size(), 2u);
  EXPECT_THAT(SummaryJson(summary), HasSubstr(R"("stopped": "PERMISSION_DENIED: no scope")"));
}

// Verifies the progress line: lines, share, rate and ETA with a known size;
// without one, no share and no ETA.
TEST(ProgressLineTest, ShowsLinesShareRateAndEta) {
  ImportProgress progress;
  progress.lines = 12000;
  progress.bytes = 400;
  progress.elapsed = absl::Seconds(2);
  EXPECT_EQ(ProgressLine(progress, 1000), "12,000 lines (40%), 6,000/s, ETA 0:03");
  progress.failed = 3;
  EXPECT_EQ(ProgressLine(progress, 0), "12,000 lines, 6,000/s, 3 failed");
}

}  // namespace
}  // namespace cp::client
