#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "domain/common/errors.h"
#include "google/protobuf/message.h"

namespace cp::domain {

// RequestHash returns the SHA-256 of a request's deterministic
// serialization, to tell a replay of a request_id from a reuse (AIP-155).
std::string RequestHash(const google::protobuf::Message& request);

// CheckRequestId adds a violation on "request_id" unless it is at most 64
// characters of letters, digits and - _ . : (empty is fine: no idempotency).
void CheckRequestId(absl::string_view request_id, FieldViolations* violations);

// IsSafeRequestId tells whether `id` passes CheckRequestId: only such ids
// (and actors) are written to logs, since a rejected one may be anything,
// e.g. an e-mail address.
bool IsSafeRequestId(absl::string_view id);

// AddInvalidUtf8 reports the string fields the transport found not to be
// UTF-8 (delivered emptied, see protos/runtime/tolerant_parse.h).
void AddInvalidUtf8(const google::protobuf::Message& request, FieldViolations* violations);

}  // namespace cp::domain
