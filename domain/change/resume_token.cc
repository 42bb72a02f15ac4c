#include "domain/change/resume_token.h"

#include "absl/strings/escaping.h"
#include "customerprofile/internal/v1/change_details.pb.h"
#include "domain/common/errors.h"

namespace cp::domain {

std::string EncodeResumeToken(const FeedPosition& position) {
  customerprofile::internal::v1::ChangeResumeToken token;
  token.set_sequence(position.sequence);
  token.set_time_micros(absl::ToUnixMicros(position.time));
  return absl::WebSafeBase64Escape(token.SerializeAsString());
}

absl::StatusOr<FeedPosition> DecodeResumeToken(absl::string_view token, absl::string_view field) {
  std::string bytes;
  customerprofile::internal::v1::ChangeResumeToken parsed;
  if (!absl::WebSafeBase64Unescape(token, &bytes) || !parsed.ParseFromString(bytes) ||
      parsed.sequence() < 0 || parsed.time_micros() <= 0) {
    return InvalidField(field,
                        "is not a resume token of this service: pass a token from a Change, a "
                        "ChangeHeartbeat or a ListChangesResponse unchanged");
  }
  return FeedPosition{parsed.sequence(), absl::FromUnixMicros(parsed.time_micros())};
}

}  // namespace cp::domain
