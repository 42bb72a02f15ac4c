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

}  // namespace cp::domain
