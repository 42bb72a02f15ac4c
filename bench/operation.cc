#include "bench/operation.h"

#include <chrono>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/load_command.h"
#include "bench/profile_factory.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace cp::bench {
namespace {

using customerprofile::v1::BatchCheckConsentRequest;
using customerprofile::v1::BatchCheckConsentResponse;
using customerprofile::v1::CheckConsentRequest;
using customerprofile::v1::CheckConsentResponse;
using customerprofile::v1::ConsentService;
using customerprofile::v1::CreateProfileRequest;
using customerprofile::v1::GetProfileRequest;
using customerprofile::v1::LookupProfilesRequest;
using customerprofile::v1::LookupProfilesResponse;
using customerprofile::v1::Profile;
using customerprofile::v1::ProfileService;
using customerprofile::v1::UpdateProfileRequest;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// kUpdatedAttribute is the one field the update operations change.
constexpr absl::string_view kUpdatedAttribute = "loyalty_points";

// UnaryCall holds what one unary RPC needs until its callback has run.
template <typename Request, typename Response>
struct UnaryCall {
  explicit UnaryCall(absl::Duration timeout) {
    context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout));
  }
  grpc::ClientContext context;
  Request request;
  Response response;
};

class HealthOperation : public Operation {
 public:
  explicit HealthOperation(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(Health::NewStub(channel)) {}

  void Start(absl::Duration timeout, Done done) override {
    auto call = std::make_shared<UnaryCall<HealthCheckRequest, HealthCheckResponse>>(timeout);
    stub_->async()->Check(
        &call->context, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status status) {
          if (status.ok() && call->response.status() != HealthCheckResponse::SERVING) {
            status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "not serving");
          }
          done(status);
        });
  }

 private:
  std::unique_ptr<Health::Stub> stub_;
};

// ProfileOperation is the base of the operations on known profiles.
class ProfileOperation : public Operation {
 public:
  ProfileOperation(const std::shared_ptr<grpc::Channel>& channel,
                   const std::vector<std::string>* ids)
      : stub_(ProfileService::NewStub(channel)), ids_(ids) {}

 protected:
  std::string RandomName() {
    return absl::StrCat("profiles/", (*ids_)[absl::Uniform<size_t>(gen_, 0, ids_->size())]);
  }

  // SetUpdate makes `request` set the updated attribute of `name` to a
  // random value, guarded by `etag` when it is not empty.
  void SetUpdate(const std::string& name, const std::string& etag, UpdateProfileRequest* request) {
    Profile* profile = request->mutable_profile();
    profile->set_name(name);
    profile->set_etag(etag);
    (*profile->mutable_attributes())[std::string(kUpdatedAttribute)].set_int64_value(
        absl::Uniform<int64_t>(gen_, 0, 1000000));
    request->mutable_update_mask()->add_paths(absl::StrCat("attributes.", kUpdatedAttribute));
  }

  std::unique_ptr<ProfileService::Stub> stub_;
  const std::vector<std::string>* ids_;
  absl::BitGen gen_;
};

class GetOperation : public ProfileOperation {
 public:
  using ProfileOperation::ProfileOperation;

  void Start(absl::Duration timeout, Done done) override {
    auto call = std::make_shared<UnaryCall<GetProfileRequest, Profile>>(timeout);
    call->request.set_name(RandomName());
    stub_->async()->GetProfile(&call->context, &call->request, &call->response,
                               [call, done = std::move(done)](grpc::Status status) {
                                 if (status.ok() && call->response.name() != call->request.name()) {
                                   status = grpc::Status(grpc::StatusCode::INTERNAL,
                                                         "answered with another profile");
                                 }
                                 done(status);
                               });
  }
};

// LookupOperation looks a random known profile up by its phone number or
// its "crm" external id, both derived again from the profile's index (the
// digits its id ends in) as `profile-bench load` made them.
class LookupOperation : public ProfileOperation {
 public:
  LookupOperation(const std::shared_ptr<grpc::Channel>& channel,
                  const std::vector<std::string>* ids, bool by_phone)
      : ProfileOperation(channel, ids), by_phone_(by_phone) {}

  void Start(absl::Duration timeout, Done done) override {
    auto call = std::make_shared<UnaryCall<LookupProfilesRequest, LookupProfilesResponse>>(timeout);
    std::string name = RandomName();
    int64_t index = 0;
    if (!absl::SimpleAtoi(name.substr(name.find_last_not_of("0123456789") + 1), &index)) {
      done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the id ends in no index"));
      return;
    }
    if (by_phone_) {
      Profile profile = MakeBenchProfile(index);
      call->request.set_phone(profile.phones(0).number());
      call->request.set_region_code(profile.region_code());
    } else {
      call->request.mutable_external_id()->set_system("crm");
      call->request.mutable_external_id()->set_id(BenchCrmId(index));
    }
    stub_->async()->LookupProfiles(&call->context, &call->request, &call->response,
                                   [call, name, done = std::move(done)](grpc::Status status) {
                                     bool found = false;
                                     for (const Profile& profile : call->response.profiles()) {
                                       found = found || profile.name() == name;
                                     }
                                     if (status.ok() && !found && !call->response.more_exist()) {
                                       status = grpc::Status(grpc::StatusCode::INTERNAL,
                                                             "the lookup missed the profile");
                                     }
                                     done(status);
                                   });
  }

 private:
  const bool by_phone_;
};

class BlindUpdateOperation : public ProfileOperation {
 public:
  using ProfileOperation::ProfileOperation;

  void Start(absl::Duration timeout, Done done) override {
    auto call = std::make_shared<UnaryCall<UpdateProfileRequest, Profile>>(timeout);
    SetUpdate(RandomName(), "", &call->request);
    stub_->async()->UpdateProfile(
        &call->context, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status status) { done(status); });
  }
};

class EtagUpdateOperation : public ProfileOperation {
 public:
  using ProfileOperation::ProfileOperation;

  void Start(absl::Duration timeout, Done done) override {
    auto get = std::make_shared<UnaryCall<GetProfileRequest, Profile>>(timeout);
    get->request.set_name(RandomName());
    stub_->async()->GetProfile(
        &get->context, &get->request, &get->response,
        [this, get, timeout, done = std::move(done)](grpc::Status status) mutable {
          if (!status.ok()) {
            done(status);
            return;
          }
          auto update = std::make_shared<UnaryCall<UpdateProfileRequest, Profile>>(timeout);
          SetUpdate(get->response.name(), get->response.etag(), &update->request);
          stub_->async()->UpdateProfile(
              &update->context, &update->request, &update->response,
              [update, done = std::move(done)](grpc::Status status) { done(status); });
        });
  }
};

class CreateOperation : public Operation {
 public:
  CreateOperation(const std::shared_ptr<grpc::Channel>& channel, std::string run_tag, int slot)
      : stub_(ProfileService::NewStub(channel)), run_tag_(std::move(run_tag)), slot_(slot) {}

  void Start(absl::Duration timeout, Done done) override {
    auto call = std::make_shared<UnaryCall<CreateProfileRequest, Profile>>(timeout);
    Profile* profile = call->request.mutable_profile();
    *profile = MakeBenchProfile(absl::Uniform<int64_t>(gen_, 1, 10000000));
    profile->clear_external_ids();
    auto* external_id = profile->add_external_ids();
    external_id->set_system("bench-create");
    external_id->set_id(absl::StrCat(run_tag_, "-", slot_, "-", ++created_));
    stub_->async()->CreateProfile(
        &call->context, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status status) { done(status); });
  }

 private:
  std::unique_ptr<ProfileService::Stub> stub_;
  std::string run_tag_;
  int slot_;
  int64_t created_ = 0;
  absl::BitGen gen_;
};

// CheckOperation checks one random known profile.
class CheckOperation : public Operation {
 public:
  CheckOperation(const std::shared_ptr<grpc::Channel>& channel, const std::vector<std::string>* ids)
      : stub_(ConsentService::NewStub(channel)), ids_(ids) {}

  void Start(absl::Duration timeout, Done done) override {
    auto call = std::make_shared<UnaryCall<CheckConsentRequest, CheckConsentResponse>>(timeout);
    call->request.set_profile(
        absl::StrCat("profiles/", (*ids_)[absl::Uniform<size_t>(gen_, 0, ids_->size())]));
    call->request.set_purpose(absl::StrCat("purposes/", kBenchPurpose));
    call->request.set_channel(customerprofile::v1::CHANNEL_SMS);
    stub_->async()->CheckConsent(
        &call->context, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status status) {
          if (status.ok() &&
              call->response.check().reason() == customerprofile::v1::CHECK_REASON_UNSPECIFIED) {
            status = grpc::Status(grpc::StatusCode::INTERNAL, "a check without a reason");
          }
          done(status);
        });
  }

 private:
  std::unique_ptr<ConsentService::Stub> stub_;
  const std::vector<std::string>* ids_;
  absl::BitGen gen_;
};

// BatchCheckOperation checks `batch_size` random known profiles at once.
class BatchCheckOperation : public Operation {
 public:
  BatchCheckOperation(const std::shared_ptr<grpc::Channel>& channel,
                      const std::vector<std::string>* ids, int batch_size)
      : stub_(ConsentService::NewStub(channel)), ids_(ids), batch_size_(batch_size) {}

  void Start(absl::Duration timeout, Done done) override {
    auto call =
        std::make_shared<UnaryCall<BatchCheckConsentRequest, BatchCheckConsentResponse>>(timeout);
    call->request.set_purpose(absl::StrCat("purposes/", kBenchPurpose));
    call->request.set_channel(customerprofile::v1::CHANNEL_SMS);
    size_t first = absl::Uniform<size_t>(gen_, 0, ids_->size());
    for (int i = 0; i < batch_size_; ++i) {
      // A random window of the ids: as a campaign tool walks a segment.
      call->request.add_profiles(absl::StrCat("profiles/", (*ids_)[(first + i) % ids_->size()]));
    }
    stub_->async()->BatchCheckConsent(
        &call->context, &call->request, &call->response,
        [this, call, done = std::move(done)](grpc::Status status) {
          if (status.ok() && call->response.checks_size() != batch_size_) {
            status = grpc::Status(grpc::StatusCode::INTERNAL, "wrong number of checks");
          }
          done(status);
        });
  }

 private:
  std::unique_ptr<ConsentService::Stub> stub_;
  const std::vector<std::string>* ids_;
  int batch_size_;
  absl::BitGen gen_;
};

// MergeUnmergeOperation merges the slot's second profile into its first,
// then undoes that merge.
class MergeUnmergeOperation : public Operation {
 public:
  MergeUnmergeOperation(const std::shared_ptr<grpc::Channel>& channel,
                        const std::vector<std::string>* ids, int slot)
      : stub_(ProfileService::NewStub(channel)),
        survivor_(absl::StrCat("profiles/", (*ids)[(2 * slot) % ids->size()])),
        merged_(absl::StrCat("profiles/", (*ids)[(2 * slot + 1) % ids->size()])) {}

  void Start(absl::Duration timeout, Done done) override {
    using customerprofile::v1::MergeProfilesRequest;
    using customerprofile::v1::MergeProfilesResponse;
    auto merge = std::make_shared<UnaryCall<MergeProfilesRequest, MergeProfilesResponse>>(timeout);
    merge->request.set_survivor(survivor_);
    merge->request.add_merged_profiles()->set_name(merged_);
    stub_->async()->MergeProfiles(
        &merge->context, &merge->request, &merge->response,
        [this, merge, timeout, done = std::move(done)](grpc::Status status) mutable {
          if (!status.ok()) {
            done(status);
            return;
          }
          using customerprofile::v1::UnmergeProfileRequest;
          using customerprofile::v1::UnmergeProfileResponse;
          auto unmerge =
              std::make_shared<UnaryCall<UnmergeProfileRequest, UnmergeProfileResponse>>(timeout);
          unmerge->request.set_name(merge->response.merge().name());
          stub_->async()->UnmergeProfile(
              &unmerge->context, &unmerge->request, &unmerge->response,
              [unmerge, done = std::move(done)](grpc::Status status) {
                if (status.ok() && unmerge->response.restored_profiles_size() != 1) {
                  status = grpc::Status(grpc::StatusCode::INTERNAL, "nothing restored");
                }
                done(status);
              });
        });
  }

 private:
  std::unique_ptr<ProfileService::Stub> stub_;
  std::string survivor_;
  std::string merged_;
};

// RecordOperation records a call with a CSAT answer on a random known
// profile (no external_ref: each call is a new interaction).
class RecordOperation : public Operation {
 public:
  RecordOperation(const std::shared_ptr<grpc::Channel>& channel,
                  const std::vector<std::string>* ids)
      : stub_(customerprofile::v1::InteractionService::NewStub(channel)), ids_(ids) {}

  void Start(absl::Duration timeout, Done done) override {
    using customerprofile::v1::Interaction;
    using customerprofile::v1::RecordInteractionRequest;
    auto call = std::make_shared<UnaryCall<RecordInteractionRequest, Interaction>>(timeout);
    call->request.set_parent(
        absl::StrCat("profiles/", (*ids_)[absl::Uniform<size_t>(gen_, 0, ids_->size())]));
    Interaction* interaction = call->request.mutable_interaction();
    interaction->set_channel(customerprofile::v1::INTERACTION_CHANNEL_PHONE_CALL);
    interaction->set_direction(customerprofile::v1::INTERACTION_DIRECTION_INBOUND);
    interaction->set_kind(customerprofile::v1::INTERACTION_KIND_CALL);
    interaction->set_source_system("bench-callcenter");
    interaction->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
    interaction->mutable_satisfaction()->set_csat(absl::Uniform<int>(gen_, 1, 6));
    interaction->mutable_satisfaction()->set_question_id("after-call");
    stub_->async()->RecordInteraction(
        &call->context, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status status) { done(status); });
  }

 private:
  std::unique_ptr<customerprofile::v1::InteractionService::Stub> stub_;
  const std::vector<std::string>* ids_;
  absl::BitGen gen_;
};

// ListTimelineOperation reads the first page of a timeline: of a random
// known profile, or always of `fixed` when it is set.
class ListTimelineOperation : public Operation {
 public:
  ListTimelineOperation(const std::shared_ptr<grpc::Channel>& channel,
                        const std::vector<std::string>* ids, std::string fixed)
      : stub_(customerprofile::v1::InteractionService::NewStub(channel)),
        ids_(ids),
        fixed_(std::move(fixed)) {}

  void Start(absl::Duration timeout, Done done) override {
    using customerprofile::v1::ListInteractionsRequest;
    using customerprofile::v1::ListInteractionsResponse;
    auto call =
        std::make_shared<UnaryCall<ListInteractionsRequest, ListInteractionsResponse>>(timeout);
    call->request.set_parent(absl::StrCat(
        "profiles/",
        fixed_.empty() ? (*ids_)[absl::Uniform<size_t>(gen_, 0, ids_->size())] : fixed_));
    call->request.set_page_size(50);
    stub_->async()->ListInteractions(&call->context, &call->request, &call->response,
                                     [call, done = std::move(done)](grpc::Status status) {
                                       if (status.ok() && call->response.interactions().empty()) {
                                         status = grpc::Status(grpc::StatusCode::INTERNAL,
                                                               "an empty timeline");
                                       }
                                       done(status);
                                     });
  }

 private:
  std::unique_ptr<customerprofile::v1::InteractionService::Stub> stub_;
  const std::vector<std::string>* ids_;
  std::string fixed_;
  absl::BitGen gen_;
};

}  // namespace

absl::StatusOr<Rpc> ParseRpc(absl::string_view name) {
  for (Rpc rpc : {Rpc::kHealth, Rpc::kGet, Rpc::kUpdate, Rpc::kCreate, Rpc::kCheck,
                  Rpc::kBatchCheck, Rpc::kLookupPhone, Rpc::kLookupExternalId, Rpc::kMergeUnmerge,
                  Rpc::kRecord, Rpc::kListTimeline, Rpc::kListTimelineBig}) {
    if (name == RpcName(rpc)) return rpc;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown rpc \"", name,
                   "\": use health, get, update, create, check, batch-check, lookup-phone, "
                   "lookup-external-id, merge-unmerge, record, list-timeline or "
                   "list-timeline-big"));
}

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kHealth:
      return "health";
    case Rpc::kGet:
      return "get";
    case Rpc::kUpdate:
      return "update";
    case Rpc::kCreate:
      return "create";
    case Rpc::kCheck:
      return "check";
    case Rpc::kBatchCheck:
      return "batch-check";
    case Rpc::kLookupPhone:
      return "lookup-phone";
    case Rpc::kLookupExternalId:
      return "lookup-external-id";
    case Rpc::kMergeUnmerge:
      return "merge-unmerge";
    case Rpc::kRecord:
      return "record";
    case Rpc::kListTimeline:
      return "list-timeline";
    case Rpc::kListTimelineBig:
      return "list-timeline-big";
  }
  return "unknown";
}

absl::StatusOr<UpdateMode> ParseUpdateMode(absl::string_view name) {
  if (name == "etag") return UpdateMode::kEtag;
  if (name == "blind") return UpdateMode::kBlind;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown update mode \"", name, "\": use etag or blind"));
}

const char* UpdateModeName(UpdateMode mode) { return mode == UpdateMode::kEtag ? "etag" : "blind"; }

std::unique_ptr<Operation> MakeOperation(const OperationOptions& options,
                                         std::shared_ptr<grpc::Channel> channel, int slot) {
  switch (options.rpc) {
    case Rpc::kHealth:
      return std::make_unique<HealthOperation>(channel);
    case Rpc::kGet:
      return std::make_unique<GetOperation>(channel, options.ids);
    case Rpc::kUpdate:
      if (options.update_mode == UpdateMode::kEtag) {
        return std::make_unique<EtagUpdateOperation>(channel, options.ids);
      }
      return std::make_unique<BlindUpdateOperation>(channel, options.ids);
    case Rpc::kCreate:
      return std::make_unique<CreateOperation>(channel, options.run_tag, slot);
    case Rpc::kCheck:
      return std::make_unique<CheckOperation>(channel, options.ids);
    case Rpc::kBatchCheck:
      return std::make_unique<BatchCheckOperation>(channel, options.ids, options.batch_size);
    case Rpc::kLookupPhone:
      return std::make_unique<LookupOperation>(channel, options.ids, /*by_phone=*/true);
    case Rpc::kLookupExternalId:
      return std::make_unique<LookupOperation>(channel, options.ids, /*by_phone=*/false);
    case Rpc::kMergeUnmerge:
      return std::make_unique<MergeUnmergeOperation>(channel, options.ids, slot);
    case Rpc::kRecord:
      return std::make_unique<RecordOperation>(channel, options.ids);
    case Rpc::kListTimeline:
      return std::make_unique<ListTimelineOperation>(channel, options.ids, "");
    case Rpc::kListTimelineBig:
      return std::make_unique<ListTimelineOperation>(channel, options.ids, options.big_profile);
  }
  return nullptr;
}

}  // namespace cp::bench
