#include "server/auth/message_size.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"

namespace cp::server::auth {

absl::Status CheckMessageSize(const domain::CallContext& context, size_t bytes) {
  if (context.max_message_bytes <= 0 || bytes <= static_cast<size_t>(context.max_message_bytes)) {
    return absl::OkStatus();
  }
  std::string limit = absl::StrCat(context.max_message_bytes);
  return domain::MakeError(absl::StatusCode::kResourceExhausted, domain::kMessageTooLarge,
                           absl::StrCat("the request message has ", bytes,
                                        " bytes; this caller may send at most ", limit),
                           {{"max_message_bytes", limit}, {"message_bytes", absl::StrCat(bytes)}});
}

absl::Status CheckMessageSize(const domain::CallContext& context,
                              const google::protobuf::MessageLite& message) {
  if (context.max_message_bytes <= 0) return absl::OkStatus();
  return CheckMessageSize(context, message.ByteSizeLong());
}

}  // namespace cp::server::auth
