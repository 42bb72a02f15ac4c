#include "protos/runtime/tolerant_parse.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include <cstdint>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace cp::protos {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// kMaxDepth bounds the nesting the sanitizer follows, like protobuf's own
// recursion limit.
constexpr int kMaxDepth = 100;

// IsValidUtf8 returns whether `text` is well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    int continuation;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (byte >= 0xC2 && byte <= 0xDF) {
      continuation = 1;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      continuation = 2;
      if (byte == 0xE0) low = 0xA0;
      if (byte == 0xED) high = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      continuation = 3;
      if (byte == 0xF0) low = 0x90;
      if (byte == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (text.size() - i <= static_cast<size_t>(continuation)) return false;
    for (int k = 1; k <= continuation; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return false;
    }
    i += continuation + 1;
  }
  return true;
}

// ZigZagDecode undoes the sint32/sint64 wire encoding.
int64_t ZigZagDecode(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

// IntegerKeyText renders an integer or bool map key as it reads in a path.
std::string IntegerKeyText(const FieldDescriptor* key, const UnknownField* field) {
  if (field == nullptr) return key->cpp_type() == FieldDescriptor::CPPTYPE_BOOL ? "false" : "0";
  switch (field->type()) {
    case UnknownField::TYPE_VARINT:
      switch (key->type()) {
        case FieldDescriptor::TYPE_BOOL:
          return field->varint() != 0 ? "true" : "false";
        case FieldDescriptor::TYPE_SINT32:
        case FieldDescriptor::TYPE_SINT64:
          return absl::StrCat(ZigZagDecode(field->varint()));
        case FieldDescriptor::TYPE_UINT32:
        case FieldDescriptor::TYPE_UINT64:
          return absl::StrCat(field->varint());
        default:
          return absl::StrCat(static_cast<int64_t>(field->varint()));
      }
    case UnknownField::TYPE_FIXED32:
      return key->type() == FieldDescriptor::TYPE_SFIXED32
                 ? absl::StrCat(static_cast<int32_t>(field->fixed32()))
                 : absl::StrCat(field->fixed32());
    case UnknownField::TYPE_FIXED64:
      return key->type() == FieldDescriptor::TYPE_SFIXED64
                 ? absl::StrCat(static_cast<int64_t>(field->fixed64()))
                 : absl::StrCat(field->fixed64());
    default:
      return "?";
  }
}

// Utf8Sanitizer rewrites the wire form of a message so that it holds no
// string that is invalid UTF-8, collecting the paths of the strings it
// emptied. It reads the bytes as an UnknownFieldSet, which checks no UTF-8,
// and uses the descriptor to tell strings and sub-messages apart.
class Utf8Sanitizer {
 public:
  // Sanitize rewrites `bytes`, the wire form of a `type` message found at
  // `path` ("" for the request itself). Returns false when the bytes are not
  // a well-formed message.
  bool Sanitize(const Descriptor* type, const std::string& path, int depth, std::string* bytes) {
    if (depth > kMaxDepth) return false;
    UnknownFieldSet fields;
    if (!fields.ParseFromString(*bytes)) return false;
    const size_t paths_before = paths_.size();
    absl::flat_hash_map<int, int> occurrences;
    for (int i = 0; i < fields.field_count(); ++i) {
      UnknownField* field = fields.mutable_field(i);
      if (field->type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
      const FieldDescriptor* descriptor = type->FindFieldByNumber(field->number());
      if (descriptor == nullptr) continue;
      std::string field_path =
          path.empty() ? descriptor->name() : absl::StrCat(path, ".", descriptor->name());
      if (descriptor->is_map()) {
        if (!SanitizeMapEntry(descriptor->message_type(), field_path, depth + 1,
                              field->mutable_length_delimited())) {
          return false;
        }
        continue;
      }
      if (descriptor->is_repeated()) {
        absl::StrAppend(&field_path, "[", occurrences[field->number()]++, "]");
      }
      if (!SanitizeValue(descriptor, field_path, depth, field->mutable_length_delimited())) {
        return false;
      }
    }
    if (paths_.size() != paths_before) {
      bytes->clear();
      fields.SerializeToString(bytes);
    }
    return true;
  }

  std::vector<std::string> TakePaths() { return std::move(paths_); }

 private:
  // SanitizeValue handles one length-delimited value of `descriptor` at
  // `path`: an invalid string is emptied, a message is sanitized in turn.
  bool SanitizeValue(const FieldDescriptor* descriptor, const std::string& path, int depth,
                     std::string* value) {
    if (descriptor->type() == FieldDescriptor::TYPE_STRING) {
      if (!IsValidUtf8(*value)) {
        value->clear();
        paths_.push_back(path);
      }
      return true;
    }
    if (descriptor->type() == FieldDescriptor::TYPE_MESSAGE) {
      return Sanitize(descriptor->message_type(), path, depth + 1, value);
    }
    return true;
  }

  // SanitizeMapEntry rewrites one entry of the map at `map_path`. Paths name
  // the entry by its key (map_path["key"]); an invalid key is reported as the
  // map itself.
  bool SanitizeMapEntry(const Descriptor* entry, const std::string& map_path, int depth,
                        std::string* bytes) {
    if (depth > kMaxDepth) return false;
    UnknownFieldSet fields;
    if (!fields.ParseFromString(*bytes)) return false;
    const size_t paths_before = paths_.size();
    const FieldDescriptor* key = entry->map_key();
    const FieldDescriptor* value = entry->map_value();
    // The key may follow the value on the wire; the last occurrence wins.
    UnknownField* key_field = nullptr;
    for (int i = 0; i < fields.field_count(); ++i) {
      if (fields.field(i).number() == key->number()) key_field = fields.mutable_field(i);
    }
    std::string key_text;
    if (key->type() == FieldDescriptor::TYPE_STRING) {
      if (key_field != nullptr && key_field->type() == UnknownField::TYPE_LENGTH_DELIMITED) {
        std::string* key_bytes = key_field->mutable_length_delimited();
        if (!IsValidUtf8(*key_bytes)) {
          key_bytes->clear();
          paths_.push_back(map_path);
        }
        key_text = absl::StrCat("\"", absl::Utf8SafeCEscape(*key_bytes), "\"");
      } else {
        key_text = "\"\"";
      }
    } else {
      key_text = IntegerKeyText(key, key_field);
    }
    const std::string entry_path = absl::StrCat(map_path, "[", key_text, "]");
    for (int i = 0; i < fields.field_count(); ++i) {
      UnknownField* field = fields.mutable_field(i);
      if (field->number() != value->number() ||
          field->type() != UnknownField::TYPE_LENGTH_DELIMITED) {
        continue;
      }
      if (!SanitizeValue(value, entry_path, depth, field->mutable_length_delimited())) {
        return false;
      }
    }
    if (paths_.size() != paths_before) {
      bytes->clear();
      fields.SerializeToString(bytes);
    }
    return true;
  }

  std::vector<std::string> paths_;
};

}  // namespace

bool TolerantParse(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  message->Clear();
  grpc::Slice flat;
  if (!buffer.Valid() || !buffer.DumpToSingleSlice(&flat).ok()) return false;
  std::string bytes(reinterpret_cast<const char*>(flat.begin()), flat.size());
  Utf8Sanitizer sanitizer;
  if (!sanitizer.Sanitize(message->GetDescriptor(), "", 0, &bytes)) return false;
  std::vector<std::string> paths = sanitizer.TakePaths();
  if (paths.empty() || !message->ParseFromString(bytes)) {
    message->Clear();
    return false;
  }
  DropInvalidUtf8Paths(message);
  UnknownFieldSet* unknown = message->GetReflection()->MutableUnknownFields(message);
  for (const std::string& path : paths) unknown->AddLengthDelimited(kInvalidUtf8MarkerField, path);
  return true;
}

std::vector<std::string> InvalidUtf8Paths(const google::protobuf::Message& message) {
  std::vector<std::string> paths;
  const UnknownFieldSet& unknown = message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const UnknownField& field = unknown.field(i);
    if (field.number() == kInvalidUtf8MarkerField &&
        field.type() == UnknownField::TYPE_LENGTH_DELIMITED) {
      paths.push_back(field.length_delimited());
    }
  }
  return paths;
}

std::vector<std::string> TakeInvalidUtf8Paths(google::protobuf::Message* message) {
  std::vector<std::string> paths = InvalidUtf8Paths(*message);
  DropInvalidUtf8Paths(message);
  return paths;
}

void DropInvalidUtf8Paths(google::protobuf::Message* message) {
  const UnknownFieldSet& unknown = message->GetReflection()->GetUnknownFields(*message);
  if (unknown.empty()) return;
  UnknownFieldSet* mutable_unknown = message->GetReflection()->MutableUnknownFields(message);
  mutable_unknown->DeleteByNumber(kInvalidUtf8MarkerField);
  mutable_unknown->DeleteByNumber(kMalformedMarkerField);
}

void MarkMalformed(google::protobuf::Message* message) {
  message->Clear();
  message->GetReflection()->MutableUnknownFields(message)->AddVarint(kMalformedMarkerField, 1);
}

bool IsMalformed(const google::protobuf::Message& message) {
  const UnknownFieldSet& unknown = message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    if (unknown.field(i).number() == kMalformedMarkerField) return true;
  }
  return false;
}

}  // namespace cp::protos
