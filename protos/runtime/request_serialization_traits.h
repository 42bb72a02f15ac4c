#pragma once

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include "protos/runtime/tolerant_parse.h"

namespace cp::protos {

// RequestSerializationTraits is grpc::SerializationTraits for a request
// message T, specialised for every *Request message by the
// protoc-gen-cp-utf8 plugin in the generated .pb.h. It serializes like the
// default protobuf traits. It deserializes like them too, except that a
// request rejected only for invalid UTF-8 in string fields is accepted with
// those fields emptied and their paths recorded (see TakeInvalidUtf8Paths),
// so the service can answer INVALID_ARGUMENT naming the fields instead of
// gRPC answering UNIMPLEMENTED before any handler runs. Bytes that do not
// parse at all are accepted as an empty request marked malformed
// (IsMalformed), which the service answers with INVALID_ARGUMENT too.
template <class T>
class RequestSerializationTraits {
 public:
  static grpc::Status Serialize(const grpc::protobuf::MessageLite& msg, grpc::ByteBuffer* bb,
                                bool* own_buffer) {
    return grpc::GenericSerialize<grpc::ProtoBufferWriter, T>(msg, bb, own_buffer);
  }

  static grpc::Status Deserialize(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* msg) {
    if (buffer == nullptr) return grpc::GenericDeserialize<grpc::ProtoBufferReader, T>(buffer, msg);
    // GenericDeserialize clears `buffer`; the copy shares its slices.
    const grpc::ByteBuffer retained(*buffer);
    auto* request = static_cast<T*>(msg);
    grpc::Status status = grpc::GenericDeserialize<grpc::ProtoBufferReader, T>(buffer, msg);
    if (status.ok()) {
      DropInvalidUtf8Paths(request);
      return status;
    }
    if (!TolerantParse(retained, request)) MarkMalformed(request);
    return grpc::Status::OK;
  }
};

}  // namespace cp::protos
