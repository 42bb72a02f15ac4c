#include "server/auth/method_policy.h"

#include "absl/strings/str_cat.h"

namespace cp::server::auth {
namespace {

constexpr absl::string_view kProfileService = "/customerprofile.v1.ProfileService/";
constexpr absl::string_view kInteractionService = "/customerprofile.v1.InteractionService/";
constexpr absl::string_view kConsentService = "/customerprofile.v1.ConsentService/";
constexpr absl::string_view kSuppressionService = "/customerprofile.v1.SuppressionService/";
constexpr absl::string_view kChangeService = "/customerprofile.v1.ChangeService/";
constexpr absl::string_view kAuditService = "/customerprofile.v1.AuditService/";

std::map<std::string, MethodPolicy, std::less<>> BuildPolicies() {
  std::map<std::string, MethodPolicy, std::less<>> policies;
  auto add = [&policies](absl::string_view service, absl::string_view method,
                         absl::string_view scope, bool self_service) {
    policies[absl::StrCat(service, method)] = MethodPolicy{std::string(scope), self_service};
  };
  add(kProfileService, "CreateProfile", kProfilesWrite, false);
  add(kProfileService, "GetProfile", kProfilesRead, true);
  add(kProfileService, "UpdateProfile", kProfilesWrite, true);
  add(kProfileService, "DeleteProfile", kProfilesDelete, false);
  add(kProfileService, "UndeleteProfile", kProfilesDelete, false);
  add(kProfileService, "ListProfiles", kProfilesRead, false);
  add(kProfileService, "BatchGetProfiles", kProfilesRead, false);
  add(kProfileService, "LookupProfiles", kProfilesRead, false);
  add(kProfileService, "FindDuplicates", kProfilesRead, false);
  add(kProfileService, "MergeProfiles", kProfilesMerge, false);
  add(kProfileService, "UnmergeProfile", kProfilesMerge, false);
  add(kProfileService, "GetMerge", kProfilesRead, false);
  add(kProfileService, "ListMerges", kProfilesRead, false);
  // A customer may read their own timeline and record survey answers and
  // complaints on it (server/auth/interaction_access.h).
  add(kInteractionService, "RecordInteraction", kInteractionsWrite, true);
  add(kInteractionService, "BatchRecordInteractions", kInteractionsWrite, true);
  add(kInteractionService, "GetInteraction", kInteractionsRead, true);
  add(kInteractionService, "ListInteractions", kInteractionsRead, true);
  add(kInteractionService, "DeleteInteraction", kInteractionsAdmin, false);
  add(kInteractionService, "GetProfileInsights", kInteractionsRead, true);

  add(kConsentService, "CreatePurpose", kPurposesAdmin, false);
  add(kConsentService, "GetPurpose", kConsentsRead, true);
  add(kConsentService, "ListPurposes", kConsentsRead, true);
  add(kConsentService, "UpdatePurpose", kPurposesAdmin, false);
  add(kConsentService, "GetNoticeVersion", kConsentsRead, true);
  add(kConsentService, "ListNoticeVersions", kConsentsRead, true);
  add(kConsentService, "RecordConsent", kConsentsWrite, true);
  add(kConsentService, "ConfirmConsent", kConsentsWrite, true);
  add(kConsentService, "ListConsentEvents", kConsentsRead, true);
  add(kConsentService, "ListConsents", kConsentsRead, true);
  add(kConsentService, "CheckConsent", kConsentsRead, true);
  add(kConsentService, "BatchCheckConsent", kConsentsRead, false);
  add(kSuppressionService, "CreateSuppressionList", kSuppressionsAdmin, false);
  add(kSuppressionService, "GetSuppressionList", kConsentsRead, false);
  add(kSuppressionService, "ListSuppressionLists", kConsentsRead, false);
  add(kSuppressionService, "UpdateSuppressionList", kSuppressionsAdmin, false);
  add(kSuppressionService, "DeleteSuppressionList", kSuppressionsAdmin, false);
  add(kSuppressionService, "ImportSuppressionEntries", kSuppressionsAdmin, false);
  add(kSuppressionService, "AddSuppressionEntry", kSuppressionsAdmin, false);
  add(kSuppressionService, "RemoveSuppressionEntry", kSuppressionsAdmin, false);
  add(kSuppressionService, "CheckSuppression", kConsentsRead, false);
  // The feed spans every customer; the audit trail shows who changed what.
  add(kChangeService, "WatchChanges", kChangesRead, false);
  add(kChangeService, "ListChanges", kChangesRead, false);
  add(kAuditService, "ListAuditEvents", kAuditRead, false);
  return policies;
}

}  // namespace

const std::vector<std::string>& KnownScopes() {
  static const std::vector<std::string> kScopes = {
      std::string(kProfilesRead),      std::string(kProfilesWrite),
      std::string(kProfilesDelete),    std::string(kProfilesMerge),
      std::string(kInteractionsRead),  std::string(kInteractionsWrite),
      std::string(kInteractionsAdmin), std::string(kPiiRead),
      std::string(kConsentsRead),      std::string(kConsentsWrite),
      std::string(kPurposesAdmin),     std::string(kSuppressionsAdmin),
      std::string(kChangesRead),       std::string(kAuditRead)};
  return kScopes;
}

const std::map<std::string, MethodPolicy, std::less<>>& MethodPolicies() {
  static const std::map<std::string, MethodPolicy, std::less<>> kPolicies = BuildPolicies();
  return kPolicies;
}

const MethodPolicy* FindMethodPolicy(absl::string_view full_method) {
  const auto& policies = MethodPolicies();
  auto it = policies.find(full_method);
  return it == policies.end() ? nullptr : &it->second;
}

}  // namespace cp::server::auth
