#include "client/method_call.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cctype>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "client/channel.h"
#include "client/error_details.h"
#include "customerprofile/v1/audit_service.pb.h"
#include "customerprofile/v1/change_service.pb.h"
#include "customerprofile/v1/consent_service.pb.h"
#include "customerprofile/v1/interaction_service.pb.h"
#include "customerprofile/v1/profile_service.pb.h"
#include "customerprofile/v1/suppression_service.pb.h"
#include "google/protobuf/dynamic_message.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// ApiServices returns the service descriptors, reached through a request
// message of each file so that the generated code is linked in.
const std::vector<const ServiceDescriptor*>& ApiServices() {
  static const auto* const kServices = new std::vector<const ServiceDescriptor*>{
      v1::GetProfileRequest::descriptor()->file()->FindServiceByName("ProfileService"),
      v1::RecordConsentRequest::descriptor()->file()->FindServiceByName("ConsentService"),
      v1::CheckSuppressionRequest::descriptor()->file()->FindServiceByName("SuppressionService"),
      v1::RecordInteractionRequest::descriptor()->file()->FindServiceByName("InteractionService"),
      v1::WatchChangesRequest::descriptor()->file()->FindServiceByName("ChangeService"),
      v1::ListAuditEventsRequest::descriptor()->file()->FindServiceByName("AuditService"),
  };
  return *kServices;
}

// Await waits for `tag` on `cq`; false when the operation failed.
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  return cq.Next(&got, &ok) && ok && got == tag;
}

grpc::ByteBuffer Serialize(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return message->ParseFromString(bytes);
}

}  // namespace

const std::vector<std::string>& ApiServiceNames() {
  static const auto* const kNames = [] {
    auto* names = new std::vector<std::string>;
    for (const ServiceDescriptor* service : ApiServices()) names->push_back(service->full_name());
    return names;
  }();
  return *kNames;
}

std::vector<const MethodDescriptor*> ApiMethods() {
  std::vector<const MethodDescriptor*> methods;
  for (const ServiceDescriptor* service : ApiServices()) {
    for (int i = 0; i < service->method_count(); ++i) methods.push_back(service->method(i));
  }
  return methods;
}

std::string CommandName(const MethodDescriptor& method) {
  std::string command;
  for (char c : method.name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !command.empty()) command.push_back('-');
    command.push_back(absl::ascii_tolower(c));
  }
  return command;
}

const MethodDescriptor* FindApiMethod(absl::string_view name) {
  std::string wanted(absl::StripPrefix(name, "/"));
  for (char& c : wanted) {
    if (c == '/') c = '.';
  }
  for (const MethodDescriptor* method : ApiMethods()) {
    if (CommandName(*method) == wanted || method->full_name() == wanted ||
        method->name() == wanted ||
        absl::StrCat(method->service()->name(), ".", method->name()) == wanted) {
      return method;
    }
  }
  return nullptr;
}

Idempotency MethodIdempotency(const MethodDescriptor& method,
                              const google::protobuf::Message& request) {
  for (absl::string_view read :
       {"Get", "List", "Lookup", "Check", "Find", "BatchGet", "BatchCheck"}) {
    if (absl::StartsWith(method.name(), read)) return Idempotency::kIdempotent;
  }
  const google::protobuf::FieldDescriptor* request_id =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (request_id != nullptr &&
      request_id->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !request_id->is_repeated() &&
      !request.GetReflection()->GetString(request, request_id).empty()) {
    return Idempotency::kIdempotent;
  }
  return Idempotency::kNonIdempotent;
}

std::unique_ptr<google::protobuf::Message> NewRequest(const MethodDescriptor& method) {
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.input_type())
          ->New());
}

MethodCaller::MethodCaller(Options options)
    : options_(std::move(options)), channel_(MakeChannel(options_)) {}

absl::Status MethodCaller::Call(
    const MethodDescriptor& method, const std::vector<const google::protobuf::Message*>& requests,
    absl::FunctionRef<bool(const google::protobuf::Message&)> on_response) {
  if (requests.empty() || (!method.client_streaming() && requests.size() != 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        method.name(), " takes ", method.client_streaming() ? "at least one" : "exactly one",
        " request message"));
  }
  for (const google::protobuf::Message* request : requests) {
    if (request->GetDescriptor() != method.input_type()) {
      return absl::InvalidArgumentError(
          absl::StrCat(method.name(), " takes a ", method.input_type()->full_name()));
    }
  }
  const absl::Time deadline = absl::Now() + options_.timeout;
  const bool unary = !method.client_streaming() && !method.server_streaming();
  Idempotency idempotency =
      unary ? MethodIdempotency(method, *requests.front()) : Idempotency::kNonIdempotent;
  int responses = 0;
  return RetryLoop(options_.retry, idempotency, deadline, absl::SleepFor, [&]() -> absl::Status {
    return Attempt(method, requests, deadline, on_response, &responses);
  });
}

absl::Status MethodCaller::Attempt(
    const MethodDescriptor& method, const std::vector<const google::protobuf::Message*>& requests,
    absl::Time deadline, absl::FunctionRef<bool(const google::protobuf::Message&)> on_response,
    int* responses) {
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  for (const auto& [key, value] : options_.metadata) context.AddMetadata(key, value);
  const std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, path, &cq);
  // One tag per step; each step is awaited before the next.
  int tag = 0;
  bool open = (call->StartCall(&tag), Await(cq, &tag));
  for (const google::protobuf::Message* request : requests) {
    if (!open) break;
    grpc::ByteBuffer buffer = Serialize(*request);
    call->Write(buffer, &tag);
    open = Await(cq, &tag);
  }
  if (open) {
    call->WritesDone(&tag);
    Await(cq, &tag);
  }
  std::unique_ptr<google::protobuf::Message> response(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.output_type())
          ->New());
  bool stopped = false;
  absl::Status parse_error;
  while (true) {
    grpc::ByteBuffer buffer;
    call->Read(&buffer, &tag);
    if (!Await(cq, &tag)) break;
    response->Clear();
    if (!Parse(buffer, response.get())) {
      parse_error = absl::InternalError(
          absl::StrCat("the server's ", method.output_type()->full_name(), " did not parse"));
      context.TryCancel();
      break;
    }
    ++*responses;
    if (!on_response(*response)) {
      stopped = true;
      context.TryCancel();
      break;
    }
  }
  grpc::Status status;
  call->Finish(&status, &tag);
  Await(cq, &tag);
  cq.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  if (!parse_error.ok()) return parse_error;
  if (stopped) return absl::OkStatus();
  return FromGrpcStatus(status);
}

}  // namespace cp::client
