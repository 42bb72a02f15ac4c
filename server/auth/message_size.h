#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "domain/common/call_context.h"
#include "google/protobuf/message_lite.h"

namespace cp::server::auth {

// CheckMessageSize refuses a request message of `bytes` (serialized) that is
// larger than the caller's max_message_bytes (context.max_message_bytes;
// 0 = no per-caller cap): RESOURCE_EXHAUSTED with reason MESSAGE_TOO_LARGE
// and the limit in the ErrorInfo metadata, as gRPC itself refuses a message
// above the server-wide --max-message-bytes (which stays the ceiling). A
// streaming handler calls it for every message it receives.
absl::Status CheckMessageSize(const domain::CallContext& context, size_t bytes);

// CheckMessageSize checks `message`'s serialized size, computed only when
// the caller has a cap.
absl::Status CheckMessageSize(const domain::CallContext& context,
                              const google::protobuf::MessageLite& message);

}  // namespace cp::server::auth
