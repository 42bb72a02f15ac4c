#pragma once

#include "absl/strings/string_view.h"

namespace cp::domain {

// The google.rpc.ErrorInfo reasons that more than one place of the server
// returns or tests for. They are part of the API (docs/errors.md lists
// them): a client branches on them, so a value never changes.

// Bad input (INVALID_ARGUMENT) with no more specific reason.
inline constexpr absl::string_view kInvalidArgument = "INVALID_ARGUMENT";
// A List filter that does not parse or names an unknown field.
inline constexpr absl::string_view kInvalidFilter = "INVALID_FILTER";
// A List order_by that names an unknown field or direction.
inline constexpr absl::string_view kInvalidOrderBy = "INVALID_ORDER_BY";
// A page_token that is malformed, from another server version or issued
// for another list, filter or order.
inline constexpr absl::string_view kInvalidPageToken = "INVALID_PAGE_TOKEN";
// An update or delete whose etag does not match (ABORTED).
inline constexpr absl::string_view kEtagMismatch = "ETAG_MISMATCH";
// A request_id reused for a different request (FAILED_PRECONDITION).
inline constexpr absl::string_view kRequestIdReused = "REQUEST_ID_REUSED";
inline constexpr absl::string_view kProfileNotFound = "PROFILE_NOT_FOUND";
inline constexpr absl::string_view kProfileAlreadyExists = "PROFILE_ALREADY_EXISTS";
// The profile is soft-deleted and the call needs a live one.
inline constexpr absl::string_view kProfileDeleted = "PROFILE_DELETED";
// The profile was merged into another and cannot be written; ErrorInfo
// metadata "survivor" names the profile that holds it now.
inline constexpr absl::string_view kProfileMerged = "PROFILE_MERGED";
inline constexpr absl::string_view kPurposeNotFound = "PURPOSE_NOT_FOUND";
inline constexpr absl::string_view kPurposeAlreadyExists = "PURPOSE_ALREADY_EXISTS";
inline constexpr absl::string_view kSuppressionListNotFound = "SUPPRESSION_LIST_NOT_FOUND";
inline constexpr absl::string_view kConfirmationTokenUsed = "CONFIRMATION_TOKEN_USED";
// The server's queue is full (RESOURCE_EXHAUSTED; retry later).
inline constexpr absl::string_view kServerBusy = "SERVER_BUSY";
inline constexpr absl::string_view kRateLimited = "RATE_LIMITED";
inline constexpr absl::string_view kMessageTooLarge = "MESSAGE_TOO_LARGE";
inline constexpr absl::string_view kMethodNotAllowed = "METHOD_NOT_ALLOWED";
inline constexpr absl::string_view kMalformedCredential = "MALFORMED_CREDENTIAL";
inline constexpr absl::string_view kTokenMalformed = "TOKEN_MALFORMED";
inline constexpr absl::string_view kTokenAlgorithmRejected = "TOKEN_ALGORITHM_REJECTED";
inline constexpr absl::string_view kTokenSignatureInvalid = "TOKEN_SIGNATURE_INVALID";

}  // namespace cp::domain
