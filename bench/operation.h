#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace cp::bench {

// Rpc names the call a run measures.
enum class Rpc {
  // grpc.health.v1.Health/Check of the whole server; an OK answer other than
  // SERVING counts as UNAVAILABLE.
  kHealth,
  // ProfileService/GetProfile of a random known profile.
  kGet,
  // ProfileService/UpdateProfile of a random known profile (see UpdateMode).
  kUpdate,
  // ProfileService/CreateProfile of a new realistic profile.
  kCreate,
  // ConsentService/CheckConsent of a random known profile for the bench
  // purpose on SMS (see `profile-bench load --consents`).
  kCheck,
  // ConsentService/BatchCheckConsent of `batch_size` random known profiles
  // for the bench purpose on SMS; each answer must hold one check per
  // profile.
  kBatchCheck,
  // ProfileService/LookupProfiles by the phone number of a random known
  // profile (as `profile-bench load` made it, in national form with the
  // profile's region as the hint); the answer must hold that profile.
  kLookupPhone,
  // ProfileService/LookupProfiles by the "crm" external id of a random
  // known profile; the answer must be that profile.
  kLookupExternalId,
  // ProfileService/MergeProfiles of one known profile into another, then
  // UnmergeProfile of that merge: one operation is the pair. Slot k works on
  // known profiles 2k and 2k+1 only, so that slots never race each other.
  kMergeUnmerge,
  // InteractionService/RecordInteraction of a call with a CSAT answer on a
  // random known profile.
  kRecord,
  // InteractionService/ListInteractions, the first page (50, newest first),
  // of a random known profile.
  kListTimeline,
  // The same of OperationOptions::big_profile.
  kListTimelineBig,
};

// UpdateMode says how kUpdate changes a profile.
enum class UpdateMode {
  // GetProfile, then UpdateProfile with its etag (a read-modify-write);
  // ABORTED means another call changed the profile in between.
  kEtag,
  // UpdateProfile of one attribute without an etag: unconditional.
  kBlind,
};

// ParseRpc parses "health", "get", "update", "create", "check",
// "batch-check", "lookup-phone", "lookup-external-id", "merge-unmerge",
// "record", "list-timeline" or "list-timeline-big".
absl::StatusOr<Rpc> ParseRpc(absl::string_view name);
// RpcName returns the name ParseRpc accepts.
const char* RpcName(Rpc rpc);
// ParseUpdateMode parses "etag" or "blind".
absl::StatusOr<UpdateMode> ParseUpdateMode(absl::string_view name);
// UpdateModeName returns the name ParseUpdateMode accepts.
const char* UpdateModeName(UpdateMode mode);

// Operation issues one benchmarked operation at a time on the generated
// callback stub; each in-flight slot of a run owns one, so Start is never
// called again before the previous operation finished.
class Operation {
 public:
  using Done = std::function<void(const grpc::Status&)>;
  virtual ~Operation() = default;

  // Start begins one operation whose every RPC has `timeout` as deadline,
  // and calls `done` exactly once with the final status, on a gRPC thread.
  virtual void Start(absl::Duration timeout, Done done) = 0;
};

// OperationOptions configures the operations of a run.
struct OperationOptions {
  Rpc rpc = Rpc::kHealth;
  UpdateMode update_mode = UpdateMode::kBlind;
  // The profile ids kGet and kUpdate pick from at random; unused otherwise.
  const std::vector<std::string>* ids = nullptr;
  // Makes the external ids kCreate writes unique to this run.
  std::string run_tag;
  // Profiles per kBatchCheck call.
  int batch_size = 1000;
  // The profile id kListTimelineBig lists.
  std::string big_profile;
};

// MakeOperation returns the operation for in-flight slot `slot` on `channel`.
std::unique_ptr<Operation> MakeOperation(const OperationOptions& options,
                                         std::shared_ptr<grpc::Channel> channel, int slot);

}  // namespace cp::bench
