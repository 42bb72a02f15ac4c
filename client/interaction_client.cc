#include "client/interaction_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/channel.h"
#include "client/stub_call.h"

namespace cp::client {

namespace v1 = ::customerprofile::v1;

InteractionClient::InteractionClient(Options options)
    : InteractionClient(v1::InteractionService::NewStub(MakeChannel(options)), options) {}

InteractionClient::InteractionClient(std::shared_ptr<v1::InteractionService::StubInterface> stub,
                                     Options options, Sleeper sleep)
    : stub_(std::move(stub)), options_(std::move(options)), sleep_(std::move(sleep)) {}

template <class Request, class Response>
absl::StatusOr<Response> InteractionClient::Call(StubMethod<Request, Response> method,
                                                 const Request& request, Idempotency idempotency) {
  return CallStub(*stub_, method, request, idempotency, options_, sleep_);
}

absl::StatusOr<v1::Interaction> InteractionClient::RecordInteraction(
    absl::string_view profile, const v1::Interaction& interaction) {
  v1::RecordInteractionRequest request;
  request.set_parent(std::string(profile));
  *request.mutable_interaction() = interaction;
  return Call(
      &v1::InteractionService::StubInterface::RecordInteraction, request,
      interaction.external_ref().empty() ? Idempotency::kNonIdempotent : Idempotency::kIdempotent);
}

absl::StatusOr<v1::BatchRecordInteractionsResponse> InteractionClient::BatchRecordInteractions(
    const v1::BatchRecordInteractionsRequest& request) {
  Idempotency idempotency = Idempotency::kIdempotent;
  for (const v1::RecordInteractionRequest& item : request.requests()) {
    if (item.interaction().external_ref().empty()) idempotency = Idempotency::kNonIdempotent;
  }
  return Call(&v1::InteractionService::StubInterface::BatchRecordInteractions, request,
              idempotency);
}

absl::StatusOr<v1::Interaction> InteractionClient::GetInteraction(absl::string_view name) {
  v1::GetInteractionRequest request;
  request.set_name(std::string(name));
  return Call(&v1::InteractionService::StubInterface::GetInteraction, request,
              Idempotency::kIdempotent);
}

absl::StatusOr<v1::ListInteractionsResponse> InteractionClient::ListInteractions(
    const v1::ListInteractionsRequest& request) {
  return Call(&v1::InteractionService::StubInterface::ListInteractions, request,
              Idempotency::kIdempotent);
}

absl::StatusOr<v1::ListInteractionsResponse> InteractionClient::ListInteractions(
    absl::string_view parent, int page_size, absl::string_view page_token) {
  v1::ListInteractionsRequest request;
  request.set_parent(std::string(parent));
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return ListInteractions(request);
}

absl::Status InteractionClient::DeleteInteraction(absl::string_view name) {
  v1::DeleteInteractionRequest request;
  request.set_name(std::string(name));
  // Not retried: a repeat after a lost answer would report NOT_FOUND.
  return Call(&v1::InteractionService::StubInterface::DeleteInteraction, request,
              Idempotency::kNonIdempotent)
      .status();
}

absl::StatusOr<v1::ProfileInsights> InteractionClient::GetProfileInsights(
    absl::string_view profile) {
  v1::GetProfileInsightsRequest request;
  request.set_name(absl::StrCat(profile, "/insights"));
  return Call(&v1::InteractionService::StubInterface::GetProfileInsights, request,
              Idempotency::kIdempotent);
}

}  // namespace cp::client
