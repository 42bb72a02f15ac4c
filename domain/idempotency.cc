#include "domain/idempotency.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "protos/runtime/tolerant_parse.h"

namespace cp::domain {
namespace {

constexpr size_t kMaxRequestIdLength = 64;

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
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) {
      violations->Add("request_id", "may hold only letters, digits and - _ . :");
      return;
    }
  }
}

void AddInvalidUtf8(const google::protobuf::Message& request, FieldViolations* violations) {
  for (const std::string& path : protos::InvalidUtf8Paths(request)) {
    violations->Add(path, "must be valid UTF-8");
  }
}

}  // namespace cp::domain
