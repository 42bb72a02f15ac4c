#include "domain/common/page_token.h"

#include <openssl/evp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/common/errors.h"

// A token is the URL-safe base64 (unpadded) of:
//
//   u8  version (kVersion)
//   u16 fingerprint length, fingerprint bytes
//   u8  key kind: kIntKey then i64 key, or kStringKey then u16 length + bytes
//   u16 id length, id bytes
//
// with integers big-endian and nothing after. Tokens are not secret: a
// forged one can only move the start of a listing the caller may read anyway.

namespace cp::domain {
namespace {

constexpr uint8_t kVersion = 1;
constexpr uint8_t kIntKey = 1;
constexpr uint8_t kStringKey = 2;
// Longer tokens are rejected before decoding; real ones are far shorter
// (display names are at most a few hundred bytes).
constexpr size_t kMaxTokenLength = 8192;
constexpr size_t kFingerprintBytes = 16;

void PutU16(std::string* out, size_t value) {
  out->push_back(static_cast<char>((value >> 8) & 0xFF));
  out->push_back(static_cast<char>(value & 0xFF));
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

  std::optional<uint8_t> U8() {
    if (data_.empty()) return std::nullopt;
    const auto value = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return value;
  }

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
  return InvalidField("page_token", "page_token is malformed; pass next_page_token unchanged",
                      "INVALID_PAGE_TOKEN");
}

}  // namespace

std::string QueryFingerprint(absl::string_view filter, absl::string_view order_by,
                             bool show_deleted) {
  std::string input = "customerprofile.v1.ListProfiles";
  for (absl::string_view part : {filter, order_by}) {
    const uint64_t size = part.size();
    for (int shift = 56; shift >= 0; shift -= 8) input.push_back(static_cast<char>(size >> shift));
    input.append(part.data(), part.size());
  }
  input.push_back(show_deleted ? 1 : 0);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), kFingerprintBytes);
}

std::string EncodePageToken(const storage::ProfileCursor& cursor, absl::string_view fingerprint) {
  std::string raw;
  raw.push_back(static_cast<char>(kVersion));
  PutBytes(&raw, fingerprint);
  std::visit(
      [&raw](const auto& key) {
        if constexpr (std::is_same_v<std::decay_t<decltype(key)>, int64_t>) {
          raw.push_back(static_cast<char>(kIntKey));
          const auto bits = static_cast<uint64_t>(key);
          for (int shift = 56; shift >= 0; shift -= 8) {
            raw.push_back(static_cast<char>((bits >> shift) & 0xFF));
          }
        } else {
          raw.push_back(static_cast<char>(kStringKey));
          PutBytes(&raw, key);
        }
      },
      cursor.key);
  PutBytes(&raw, cursor.id);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<storage::ProfileCursor> DecodePageToken(absl::string_view token,
                                                       absl::string_view fingerprint) {
  std::string raw;
  if (token.empty() || token.size() > kMaxTokenLength ||
      !absl::WebSafeBase64Unescape(token, &raw) || absl::WebSafeBase64Escape(raw) != token) {
    return Malformed();
  }
  Reader reader(raw);
  std::optional<uint8_t> version = reader.U8();
  if (!version.has_value()) return Malformed();
  if (*version != kVersion) {
    return InvalidField("page_token",
                        "page_token comes from an incompatible server version; list from the start",
                        "INVALID_PAGE_TOKEN");
  }
  std::optional<absl::string_view> token_fingerprint = reader.Bytes();
  std::optional<uint8_t> key_kind = reader.U8();
  if (!token_fingerprint.has_value() || !key_kind.has_value()) return Malformed();
  storage::ProfileCursor cursor;
  if (*key_kind == kIntKey) {
    std::optional<uint64_t> key = reader.Unsigned(8);
    if (!key.has_value()) return Malformed();
    cursor.key = static_cast<int64_t>(*key);
  } else if (*key_kind == kStringKey) {
    std::optional<absl::string_view> key = reader.Bytes();
    if (!key.has_value()) return Malformed();
    cursor.key = std::string(*key);
  } else {
    return Malformed();
  }
  std::optional<absl::string_view> id = reader.Bytes();
  if (!id.has_value() || id->empty() || !reader.AtEnd()) return Malformed();
  if (*token_fingerprint != fingerprint) {
    return InvalidField("page_token",
                        "page_token was issued for a different filter, order_by or show_deleted",
                        "INVALID_PAGE_TOKEN");
  }
  cursor.id = std::string(*id);
  return cursor;
}

std::string EncodePositionToken(absl::string_view kind, absl::string_view position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kind, ":", position));
}

absl::StatusOr<std::string> DecodePositionToken(absl::string_view kind, absl::string_view token) {
  std::string raw;
  std::string prefix = absl::StrCat(kind, ":");
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.compare(0, prefix.size(), prefix) != 0) {
    return InvalidField("page_token", "is not a token this list returned");
  }
  return raw.substr(prefix.size());
}

}  // namespace cp::domain
