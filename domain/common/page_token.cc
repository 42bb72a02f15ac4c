#include "domain/common/page_token.h"

#include <openssl/evp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/escaping.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"

// A token is the URL-safe base64 (unpadded) of:
//
//   u8  version (kVersion)
//   u16 kind length, kind bytes
//   u16 fingerprint length, fingerprint bytes
//   u8  number of cursor fields, then per field:
//       kIntField then i64, or kStringField then u16 length + bytes
//
// with integers big-endian and nothing after. Tokens are not secret: a
// forged one can only move the start of a listing the caller may read
// anyway. Version 1 (profiles only) and the older per-list formats are
// rejected as from an incompatible version; tokens are short-lived.

namespace cp::domain {
namespace {

constexpr uint8_t kVersion = 2;
constexpr uint8_t kIntField = 1;
constexpr uint8_t kStringField = 2;
// Longer tokens are rejected before decoding; real ones are far shorter
// (display names are at most a few hundred bytes).
constexpr size_t kMaxTokenLength = 8192;
constexpr size_t kFingerprintBytes = 16;

void PutU16(std::string* out, size_t value) {
  out->push_back(static_cast<char>((value >> 8) & 0xFF));
  out->push_back(static_cast<char>(value & 0xFF));
}

void PutU64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

void PutBytes(std::string* out, absl::string_view bytes) {
  PutU16(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

// Reader consumes a decoded token front to back; every read fails once the
// input is exhausted.
class Reader {
 public:
  explicit Reader(absl::string_view data) : data_(data) {}

  std::optional<uint64_t> Unsigned(size_t bytes) {
    if (data_.size() < bytes) return std::nullopt;
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i) value = (value << 8) | static_cast<uint8_t>(data_[i]);
    data_.remove_prefix(bytes);
    return value;
  }

  std::optional<absl::string_view> Bytes() {
    std::optional<uint64_t> length = Unsigned(2);
    if (!length.has_value() || data_.size() < *length) return std::nullopt;
    absl::string_view bytes = data_.substr(0, *length);
    data_.remove_prefix(*length);
    return bytes;
  }

  bool AtEnd() const { return data_.empty(); }

 private:
  absl::string_view data_;
};

absl::Status Malformed() {
  return InvalidPageToken("page_token is malformed; pass next_page_token unchanged");
}

// ReadCursor reads the cursor fields; nullopt when they are malformed.
std::optional<PageCursor> ReadCursor(Reader& reader) {
  std::optional<uint64_t> count = reader.Unsigned(1);
  if (!count.has_value()) return std::nullopt;
  PageCursor cursor;
  for (uint64_t i = 0; i < *count; ++i) {
    std::optional<uint64_t> type = reader.Unsigned(1);
    if (type == kIntField) {
      std::optional<uint64_t> value = reader.Unsigned(8);
      if (!value.has_value()) return std::nullopt;
      cursor.emplace_back(static_cast<int64_t>(*value));
    } else if (type == kStringField) {
      std::optional<absl::string_view> value = reader.Bytes();
      if (!value.has_value()) return std::nullopt;
      cursor.emplace_back(std::string(*value));
    } else {
      return std::nullopt;
    }
  }
  return cursor;
}

bool HasShape(const PageCursor& cursor, absl::Span<const CursorFieldType> shape) {
  if (cursor.size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    const bool is_int = std::holds_alternative<int64_t>(cursor[i]);
    if (is_int != (shape[i] == CursorFieldType::kInt)) return false;
  }
  return true;
}

}  // namespace

std::string QueryFingerprint(const ListQuery& query) {
  std::string input;
  for (absl::string_view part : {query.kind, query.parent, query.filter, query.order_by}) {
    PutU64(&input, part.size());
    input.append(part.data(), part.size());
  }
  input.push_back(query.show_deleted ? 1 : 0);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), kFingerprintBytes);
}

std::string EncodePageToken(const ListQuery& query, const PageCursor& cursor) {
  std::string raw;
  raw.push_back(static_cast<char>(kVersion));
  PutBytes(&raw, query.kind);
  PutBytes(&raw, QueryFingerprint(query));
  raw.push_back(static_cast<char>(cursor.size()));
  for (const CursorField& field : cursor) {
    if (const auto* number = std::get_if<int64_t>(&field)) {
      raw.push_back(static_cast<char>(kIntField));
      PutU64(&raw, static_cast<uint64_t>(*number));
    } else {
      raw.push_back(static_cast<char>(kStringField));
      PutBytes(&raw, std::get<std::string>(field));
    }
  }
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, const ListQuery& query,
                                           absl::Span<const CursorFieldType> shape) {
  std::string raw;
  if (token.empty() || token.size() > kMaxTokenLength ||
      !absl::WebSafeBase64Unescape(token, &raw) || absl::WebSafeBase64Escape(raw) != token) {
    return Malformed();
  }
  Reader reader(raw);
  std::optional<uint64_t> version = reader.Unsigned(1);
  if (!version.has_value()) return Malformed();
  if (*version != kVersion) {
    return InvalidPageToken(
        "page_token comes from an incompatible server version; list from the start");
  }
  std::optional<absl::string_view> kind = reader.Bytes();
  std::optional<absl::string_view> fingerprint = reader.Bytes();
  if (!kind.has_value() || !fingerprint.has_value()) return Malformed();
  std::optional<PageCursor> cursor = ReadCursor(reader);
  if (!cursor.has_value() || !reader.AtEnd()) return Malformed();
  if (*kind != query.kind) return InvalidPageToken("page_token was issued by another List method");
  if (*fingerprint != QueryFingerprint(query)) {
    return InvalidPageToken(
        "page_token was issued for a different filter, order_by or show_deleted, or another "
        "parent");
  }
  if (!HasShape(*cursor, shape)) return Malformed();
  return *std::move(cursor);
}

absl::Status InvalidPageToken(absl::string_view description) {
  return InvalidField("page_token", description, kInvalidPageToken);
}

}  // namespace cp::domain
