#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "customerprofile/v1/audit.pb.h"
#include "google/protobuf/message.h"

namespace cp::domain {

// FieldChanges returns, for each top-level field of a resource that differs
// between `before` and `after` (same message type; either may be null: a
// resource created or removed), its field path, whether it holds personal
// data (FieldHoldsPii) and its JSON values before and after (null when
// unset). Fields named in `ignored` (output-only bookkeeping such as
// "update_time" or "etag") are left out. Maps compare as maps.
std::vector<customerprofile::v1::FieldChange> FieldChanges(
    const google::protobuf::Message* before, const google::protobuf::Message* after,
    absl::Span<const absl::string_view> ignored = {});

// ChangedFields returns the field paths of FieldChanges(before, after,
// ignored) without printing any value: what a write records, cheaply. With
// `old_image` and `new_image` (empty messages of the type), it also sets on
// them the changed fields' values before and after, so that FieldChanges of
// the two images gives what FieldChanges of before and after gives.
std::vector<std::string> ChangedFields(const google::protobuf::Message* before,
                                       const google::protobuf::Message* after,
                                       absl::Span<const absl::string_view> ignored = {},
                                       google::protobuf::Message* old_image = nullptr,
                                       google::protobuf::Message* new_image = nullptr);

// FieldHoldsPii tells whether `field` is marked (customerprofile.v1.pii) or
// is a message holding such a field at any depth.
bool FieldHoldsPii(const google::protobuf::FieldDescriptor* field);

}  // namespace cp::domain
