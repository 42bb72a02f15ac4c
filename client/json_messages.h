#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace cp::client {

// ParseJsonMessages reads `text` as a sequence of JSON objects (JSON Lines,
// or objects separated by any whitespace, as `buf curl --data` takes a
// client stream) into messages of `type`, in order. Empty text is no
// message. INVALID_ARGUMENT naming the object's number when one does not
// parse or the text is not objects.
absl::StatusOr<std::vector<std::unique_ptr<google::protobuf::Message>>> ParseJsonMessages(
    absl::string_view text, const google::protobuf::Descriptor& type);

}  // namespace cp::client
