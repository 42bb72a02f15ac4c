#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cp::domain {

// ListQuery is what a page token is bound to: the list (its kind, such as
// "profiles", and its parent resource, if any) and the request fields that
// select and order it. A token is accepted only for the same ListQuery.
struct ListQuery {
  absl::string_view kind;
  absl::string_view parent;
  absl::string_view filter;
  absl::string_view order_by;
  bool show_deleted = false;
};

// CursorField is one value of a cursor: an integer (a time in
// microseconds, a sequence number, a version) or a string (an id, a name).
using CursorField = std::variant<int64_t, std::string>;

// PageCursor is the position a page ends at: the order keys of its last
// item, most significant first.
using PageCursor = std::vector<CursorField>;

// CursorFieldType is the type a decoded cursor field must have.
enum class CursorFieldType { kInt, kString };

// QueryFingerprint identifies `query`: 16 bytes of a hash over all of its
// fields.
std::string QueryFingerprint(const ListQuery& query);

// EncodePageToken returns the opaque, URL-safe next_page_token of every List
// method: a format version, query.kind, QueryFingerprint(query) and
// `cursor`.
std::string EncodePageToken(const ListQuery& query, const PageCursor& cursor);

// DecodePageToken returns the cursor of a token EncodePageToken made for
// `query`, whose fields have the types of `shape`, in order. Otherwise
// INVALID_ARGUMENT with reason INVALID_PAGE_TOKEN and a violation on
// "page_token": the token is malformed, comes from another format version,
// belongs to another list (kind or parent) or was issued for another
// filter, order_by or show_deleted.
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, const ListQuery& query,
                                           absl::Span<const CursorFieldType> shape);

// InvalidPageToken returns the error DecodePageToken returns, with
// `description`, for a caller that finds a decoded cursor out of range.
absl::Status InvalidPageToken(absl::string_view description);

}  // namespace cp::domain
