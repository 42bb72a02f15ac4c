#include "server/auth/method_policy.h"

#include <google/protobuf/descriptor.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "customerprofile/v1/audit_service.grpc.pb.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "gtest/gtest.h"

namespace cp::server::auth {
namespace {

// ApiServices names every generated service descriptor, which also keeps
// each *_service.pb.cc linked into this test.
std::vector<const google::protobuf::ServiceDescriptor*> ApiServices() {
  return {
      customerprofile::v1::GetProfileRequest::descriptor()->file()->FindServiceByName(
          "ProfileService"),
      customerprofile::v1::RecordConsentRequest::descriptor()->file()->FindServiceByName(
          "ConsentService"),
      customerprofile::v1::ImportSuppressionEntriesRequest::descriptor()->file()->FindServiceByName(
          "SuppressionService"),
      customerprofile::v1::RecordInteractionRequest::descriptor()->file()->FindServiceByName(
          "InteractionService"),
      customerprofile::v1::WatchChangesRequest::descriptor()->file()->FindServiceByName(
          "ChangeService"),
      customerprofile::v1::ListAuditEventsRequest::descriptor()->file()->FindServiceByName(
          "AuditService")};
}

// Verifies that every method of every service of package customerprofile.v1
// in the generated descriptor pool has an access policy with a known scope,
// so that a new RPC cannot be left open (or unreachable by accident).
TEST(MethodPolicyTest, EveryGeneratedMethodHasAPolicy) {
  ASSERT_EQ(ApiServices().size(), 6u);
  for (const auto* service : ApiServices()) ASSERT_NE(service, nullptr);
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::FileDescriptor* any_file = ApiServices()[0]->file();
  ASSERT_EQ(any_file->package(), "customerprofile.v1");
  int methods = 0;
  for (const auto* service : ApiServices()) {
    const google::protobuf::FileDescriptor* file = pool->FindFileByName(service->file()->name());
    ASSERT_NE(file, nullptr);
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* found = file->service(s);
      for (int m = 0; m < found->method_count(); ++m) {
        std::string name = absl::StrCat("/", found->full_name(), "/", found->method(m)->name());
        const MethodPolicy* policy = FindMethodPolicy(name);
        ASSERT_NE(policy, nullptr) << name << " has no entry in MethodPolicies()";
        EXPECT_NE(std::find(KnownScopes().begin(), KnownScopes().end(), policy->scope),
                  KnownScopes().end())
            << name;
        ++methods;
      }
    }
  }
  EXPECT_GE(methods, 6);
}

// Verifies that the table has no stale entries: each names a generated
// method.
TEST(MethodPolicyTest, EveryPolicyNamesAGeneratedMethod) {
  ApiServices();
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [name, policy] : MethodPolicies()) {
    size_t slash = name.rfind('/');
    std::string method = absl::StrCat(name.substr(1, slash - 1), ".", name.substr(slash + 1));
    EXPECT_NE(pool->FindMethodByName(method), nullptr) << name;
  }
}

// Verifies that the RPC -> scope table in docs/security.md lists exactly
// the methods of MethodPolicies() with the same scopes.
TEST(MethodPolicyTest, DocsTableMatchesThePolicies) {
  std::ifstream in(std::string(CP_SOURCE_DIR) + "/docs/security.md");
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> documented;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 4) continue;
    std::string method(absl::StripAsciiWhitespace(cells[1]));
    if (!absl::StrContains(method, "Service.")) continue;
    size_t dot = method.find('.');
    documented[absl::StrCat("/customerprofile.v1.", method.substr(0, dot), "/",
                            method.substr(dot + 1))] =
        std::string(absl::StripAsciiWhitespace(cells[2]));
  }
  EXPECT_EQ(documented.size(), MethodPolicies().size());
  for (const auto& [name, policy] : MethodPolicies()) {
    auto it = documented.find(name);
    ASSERT_NE(it, documented.end()) << name << " is missing from docs/security.md";
    EXPECT_EQ(it->second, policy.scope) << name;
  }
}

// Verifies deny by default and the self-service flags of profile methods.
TEST(MethodPolicyTest, UnknownMethodsHaveNoPolicyAndSelfServiceIsNarrow) {
  EXPECT_EQ(FindMethodPolicy("/customerprofile.v1.ProfileService/DropAll"), nullptr);
  EXPECT_TRUE(FindMethodPolicy("/customerprofile.v1.ProfileService/GetProfile")->self_service);
  EXPECT_FALSE(FindMethodPolicy("/customerprofile.v1.ProfileService/ListProfiles")->self_service);
  EXPECT_FALSE(FindMethodPolicy("/customerprofile.v1.ProfileService/DeleteProfile")->self_service);
  EXPECT_EQ(FindMethodPolicy("/customerprofile.v1.ProfileService/DeleteProfile")->scope,
            "profiles.delete");
}

}  // namespace
}  // namespace cp::server::auth
