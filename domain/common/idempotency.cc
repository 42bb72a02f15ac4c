#include "domain/common/idempotency.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
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
