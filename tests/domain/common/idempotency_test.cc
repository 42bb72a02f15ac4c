#include "domain/common/idempotency.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "domain/common/errors.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

// MemoryRequests is an IdempotencyRepository in a map.
class MemoryRequests final : public storage::IdempotencyRepository {
 public:
  absl::StatusOr<std::optional<storage::IdempotencyRecord>> GetRequest(
      absl::string_view scope, absl::string_view request_id) override {
    auto it = records_.find({std::string(scope), std::string(request_id)});
    if (it == records_.end()) return std::nullopt;
    return it->second;
  }
  absl::Status PutRequest(const storage::IdempotencyRecord& record) override {
    if (!records_.emplace(std::make_pair(record.scope, record.request_id), record).second) {
      return absl::AlreadyExistsError("taken");
    }
    return absl::OkStatus();
  }

 private:
  std::map<std::pair<std::string, std::string>, storage::IdempotencyRecord> records_;
};

google::protobuf::Timestamp Response(int64_t seconds) {
  google::protobuf::Timestamp response;
  response.set_seconds(seconds);
  return response;
}

// Verifies a remembered response is found again for the same request, and
// only in its own scope.
TEST(FindReplayTest, ReturnsTheRememberedResponse) {
  MemoryRequests requests;
  google::protobuf::Timestamp response;
  absl::StatusOr<bool> none = FindReplay(requests, "Create", "r1", "hash", &response);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  ASSERT_TRUE(
      RememberResponse(requests, "Create", "r1", "hash", Response(42), absl::UnixEpoch()).ok());
  absl::StatusOr<bool> found = FindReplay(requests, "Create", "r1", "hash", &response);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(*found);
  EXPECT_EQ(response.seconds(), 42);

  absl::StatusOr<bool> other_scope = FindReplay(requests, "Record", "r1", "hash", &response);
  ASSERT_TRUE(other_scope.ok());
  EXPECT_FALSE(*other_scope);

  EXPECT_TRUE(absl::IsAlreadyExists(
      RememberResponse(requests, "Create", "r1", "hash", Response(43), absl::UnixEpoch())));
}

// Verifies a request_id reused for another request is REQUEST_ID_REUSED.
TEST(FindReplayTest, RejectsAReusedId) {
  MemoryRequests requests;
  ASSERT_TRUE(
      RememberResponse(requests, "Create", "r1", "hash", Response(42), absl::UnixEpoch()).ok());
  google::protobuf::Timestamp response;
  absl::StatusOr<bool> reused = FindReplay(requests, "Create", "r1", "other", &response);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kFailedPrecondition);
  std::optional<google::rpc::ErrorInfo> info = GetErrorInfo(reused.status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "REQUEST_ID_REUSED");
  EXPECT_EQ(response.seconds(), 0);
}

// Verifies a stored response that does not parse is INTERNAL.
TEST(FindReplayTest, RejectsAnUnreadableResponse) {
  MemoryRequests requests;
  ASSERT_TRUE(requests.PutRequest({"Create", "r1", "hash", "\xff\xff", absl::UnixEpoch()}).ok());
  google::protobuf::Timestamp response;
  EXPECT_EQ(FindReplay(requests, "Create", "r1", "hash", &response).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace cp::domain
