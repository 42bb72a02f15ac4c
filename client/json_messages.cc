#include "client/json_messages.h"

#include <google/protobuf/util/json_util.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cp::client {
namespace {

// NextObject returns the length of the JSON object at the start of `text`
// (which starts with '{'), or 0 when it does not close.
size_t NextObject(absl::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<google::protobuf::Message>>> ParseJsonMessages(
    absl::string_view text, const google::protobuf::Descriptor& type) {
  std::vector<std::unique_ptr<google::protobuf::Message>> messages;
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  while (true) {
    text = absl::StripLeadingAsciiWhitespace(text);
    if (text.empty()) break;
    const size_t number = messages.size() + 1;
    if (text.front() != '{') {
      return absl::InvalidArgumentError(
          absl::StrCat("request ", number, " is not a JSON object (a ", type.name(), ")"));
    }
    size_t length = NextObject(text);
    if (length == 0) {
      return absl::InvalidArgumentError(absl::StrCat("request ", number, " does not end"));
    }
    std::unique_ptr<google::protobuf::Message> message(prototype->New());
    auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), length), message.get());
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("request ", number, " is not a ", type.name(),
                                                     ": ", std::string(status.message())));
    }
    messages.push_back(std::move(message));
    text.remove_prefix(length);
  }
  return messages;
}

}  // namespace cp::client
