#pragma once

#include "domain/common/call_context.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace cp::server::auth {

// The rule that keeps personal data from callers without pii.read follows
// the schema: a field is personal data when its proto declares
// `[(customerprofile.v1.pii) = true]` (protos/customerprofile/v1/
// annotations.proto). Nothing here lists fields by name, so every message a
// new service adds is covered once its fields are marked.

// IsPiiField tells whether `field` is marked as personal data.
bool IsPiiField(const google::protobuf::FieldDescriptor& field);

// MayCarryPii tells whether a message of type `type` can hold personal data
// anywhere: in a marked field of its own or of a message it nests (singular,
// repeated or map values), at any depth. Computed once per type.
bool MayCarryPii(const google::protobuf::Descriptor& type);

// ClearPii clears every marked field of `message` and of every message it
// holds, at any depth.
void ClearPii(google::protobuf::Message* message);

// RedactForCaller clears the personal data of `message` (see ClearPii)
// unless `context` holds the pii.read scope.
void RedactForCaller(const domain::CallContext& context, google::protobuf::Message* message);

}  // namespace cp::server::auth
