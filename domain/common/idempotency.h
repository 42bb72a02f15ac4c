#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/common/errors.h"
#include "google/protobuf/message.h"
#include "storage/transaction.h"

namespace cp::domain {

// RequestHash returns the SHA-256 of a request's deterministic
// serialization, to tell a replay of a request_id from a reuse (AIP-155).
std::string RequestHash(const google::protobuf::Message& request);

// FindReplay looks up in `requests` the response stored for `request_id`
// of method `scope` (AIP-155): true with *response parsed from it when there
// is one; false, *response untouched, when there is none;
// FAILED_PRECONDITION with reason REQUEST_ID_REUSED when the id answered a
// request whose RequestHash is not `request_hash`; INTERNAL when the stored
// response does not parse as *response's type.
absl::StatusOr<bool> FindReplay(storage::IdempotencyRepository& requests, absl::string_view scope,
                                absl::string_view request_id, absl::string_view request_hash,
                                google::protobuf::Message* response);

// RememberResponse stores `response` for `request_id` of method `scope`,
// with `request_hash` and `now`, for FindReplay. ALREADY_EXISTS when the id
// is taken, e.g. by a concurrent call that committed first.
absl::Status RememberResponse(storage::IdempotencyRepository& requests, absl::string_view scope,
                              absl::string_view request_id, absl::string_view request_hash,
                              const google::protobuf::Message& response, absl::Time now);

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
