#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>

#include <string>
#include <vector>

namespace cp::protos {

// kInvalidUtf8MarkerField is the field number under which TolerantParse
// records, in a message's unknown fields, the paths of the string fields whose
// value was not valid UTF-8 (one length-delimited value per path). It is the
// largest valid field number, so no declared field uses it.
inline constexpr int kInvalidUtf8MarkerField = 536870911;

// kMalformedMarkerField marks, in a message's unknown fields, a request
// whose bytes could not be parsed at all (see MarkMalformed).
inline constexpr int kMalformedMarkerField = 536870910;

// TolerantParse parses `buffer` into `message` like ParseFromString, except
// that every string field whose value is not valid UTF-8 (which proto3
// parsing rejects) becomes the empty string and its path, such as
// "profile.given_name", "profile.emails[0].address" or
// "profile.attributes[\"k\"].string_value", is recorded for
// TakeInvalidUtf8Paths. Returns false when the bytes are malformed for any
// other reason, or hold no invalid string at all; `message` is then cleared.
bool TolerantParse(const grpc::ByteBuffer& buffer, google::protobuf::Message* message);

// InvalidUtf8Paths returns the paths TolerantParse recorded on `message`, in
// wire order; empty for a normally parsed message. For handlers, which get
// their request as const.
std::vector<std::string> InvalidUtf8Paths(const google::protobuf::Message& message);

// TakeInvalidUtf8Paths returns the paths TolerantParse recorded on `message`,
// in wire order, and removes the record. Empty for a normally parsed message.
std::vector<std::string> TakeInvalidUtf8Paths(google::protobuf::Message* message);

// DropInvalidUtf8Paths removes any record of invalid paths (and the
// malformed mark) from `message`, so that a client cannot forge one by sending
// field kInvalidUtf8MarkerField or kMalformedMarkerField.
void DropInvalidUtf8Paths(google::protobuf::Message* message);

// MarkMalformed clears `message` and marks it as a request whose bytes did
// not parse, so that the service can answer INVALID_ARGUMENT (gRPC would
// answer UNIMPLEMENTED before any handler runs).
void MarkMalformed(google::protobuf::Message* message);

// IsMalformed tells whether MarkMalformed marked `message`.
bool IsMalformed(const google::protobuf::Message& message);

}  // namespace cp::protos
