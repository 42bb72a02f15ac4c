#include "domain/common/idempotency.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "domain/common/error_reasons.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "protos/runtime/tolerant_parse.h"

namespace cp::domain {
namespace {

constexpr size_t kMaxRequestIdLength = 64;

bool IsRequestIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

}  // namespace

std::string RequestHash(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<bool> FindReplay(storage::IdempotencyRepository& requests, absl::string_view scope,
                                absl::string_view request_id, absl::string_view request_hash,
                                google::protobuf::Message* response) {
  absl::StatusOr<std::optional<storage::IdempotencyRecord>> previous =
      requests.GetRequest(scope, request_id);
  if (!previous.ok()) return previous.status();
  if (!previous->has_value()) return false;
  if ((*previous)->request_hash != request_hash) {
    return MakeError(absl::StatusCode::kFailedPrecondition, kRequestIdReused,
                     "request_id was already used for a different request");
  }
  if (!response->ParseFromString((*previous)->response)) {
    return absl::InternalError("stored response does not parse");
  }
  return true;
}

absl::Status RememberResponse(storage::IdempotencyRepository& requests, absl::string_view scope,
                              absl::string_view request_id, absl::string_view request_hash,
                              const google::protobuf::Message& response, absl::Time now) {
  return requests.PutRequest({std::string(scope), std::string(request_id),
                              std::string(request_hash), response.SerializeAsString(), now});
}

void CheckRequestId(absl::string_view request_id, FieldViolations* violations) {
  if (request_id.size() > kMaxRequestIdLength) {
    violations->Add("request_id",
                    absl::StrCat("must be at most ", kMaxRequestIdLength, " characters"));
    return;
  }
  for (char c : request_id) {
    if (!IsRequestIdChar(c)) {
      violations->Add("request_id", "may hold only letters, digits and - _ . :");
      return;
    }
  }
}

bool IsSafeRequestId(absl::string_view id) {
  if (id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!IsRequestIdChar(c)) return false;
  }
  return true;
}

void AddInvalidUtf8(const google::protobuf::Message& request, FieldViolations* violations) {
  for (const std::string& path : protos::InvalidUtf8Paths(request)) {
    violations->Add(path, "must be valid UTF-8");
  }
}

}  // namespace cp::domain
