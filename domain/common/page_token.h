#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/profile_query.h"

namespace cp::domain {

// QueryFingerprint identifies the query a page token belongs to: a hash of
// the filter text, order_by text and show_deleted.
std::string QueryFingerprint(absl::string_view filter, absl::string_view order_by,
                             bool show_deleted);

// EncodePageToken returns an opaque, URL-safe token for `cursor` bound to
// `fingerprint`.
std::string EncodePageToken(const storage::ProfileCursor& cursor, absl::string_view fingerprint);

// DecodePageToken returns the cursor of `token`. INVALID_ARGUMENT (violation
// on "page_token") when the token is malformed or was issued for another
// filter, order_by or show_deleted.
absl::StatusOr<storage::ProfileCursor> DecodePageToken(absl::string_view token,
                                                       absl::string_view fingerprint);

// EncodePositionToken returns an opaque, URL-safe token for a position in a
// list ordered by one key (e.g. the last id of a page), tagged with `kind`.
std::string EncodePositionToken(absl::string_view kind, absl::string_view position);

// DecodePositionToken returns the position of a token EncodePositionToken
// made for `kind`; INVALID_ARGUMENT on "page_token" otherwise.
absl::StatusOr<std::string> DecodePositionToken(absl::string_view kind, absl::string_view token);

}  // namespace cp::domain
