#include <grpcpp/grpcpp.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/interaction/insights.h"
#include "domain/interaction/interaction_validator.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/rpc_status.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

template <typename Context>
void SetDeadline(Context* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

google::protobuf::Timestamp Ago(absl::Duration ago) {
  google::protobuf::Timestamp time;
  time.set_seconds(absl::ToUnixSeconds(absl::Now() - ago));
  return time;
}

// An order from the web shop, `ago` before now.
v1::Interaction Order(const std::string& ref, absl::Duration ago, int64_t units = 499) {
  v1::Interaction order;
  order.set_channel(v1::INTERACTION_CHANNEL_WEB);
  order.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
  order.set_kind(v1::INTERACTION_KIND_ORDER);
  *order.mutable_occur_time() = Ago(ago);
  order.set_source_system("webshop");
  order.set_external_ref(ref);
  order.set_summary("2 x coffee beans");
  order.mutable_amount()->set_currency_code("NOK");
  order.mutable_amount()->set_units(units);
  return order;
}

class InteractionServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    auto server = GetParam() == Backend::kSqlite ? TestServer::StartWithSqlite()
                                                 : TestServer::StartWithMysql();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
    interactions_ = v1::InteractionService::NewStub(server_->NewChannel());
  }

  v1::Profile MustCreate(const std::string& id) {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    request.mutable_profile()->set_given_name("Kari");
    v1::Profile created;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles_->CreateProfile(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status Record(const std::string& profile, const v1::Interaction& interaction,
                      v1::Interaction* out) {
    v1::RecordInteractionRequest request;
    request.set_parent("profiles/" + profile);
    *request.mutable_interaction() = interaction;
    grpc::ClientContext context;
    SetDeadline(&context);
    return interactions_->RecordInteraction(&context, request, out);
  }

  v1::Interaction MustRecord(const std::string& profile, const v1::Interaction& interaction) {
    v1::Interaction out;
    grpc::Status status = Record(profile, interaction, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::ListInteractionsResponse List(const std::string& parent, int page_size = 0,
                                    const std::string& token = "",
                                    const std::string& order_by = "") {
    v1::ListInteractionsRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_order_by(order_by);
    v1::ListInteractionsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = interactions_->ListInteractions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static std::vector<std::string> Refs(const v1::ListInteractionsResponse& response) {
    std::vector<std::string> refs;
    for (const v1::Interaction& i : response.interactions()) refs.push_back(i.external_ref());
    return refs;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::InteractionService::Stub> interactions_;
};

// Verifies record, get and list over the wire: the interaction is named
// under its profile with create_time and origin set; lists are newest first
// (or oldest with order_by "occur_time"), paged by keyset, per profile or
// for every profile ("profiles/-"); delete removes it.
TEST_P(InteractionServiceTest, RecordGetListDelete) {
  MustCreate("kari");
  MustCreate("ola");
  v1::Interaction first = MustRecord("kari", Order("o-1", absl::Hours(3)));
  EXPECT_THAT(first.name(), ::testing::StartsWith("profiles/kari/interactions/"));
  EXPECT_EQ(first.origin_profile(), "profiles/kari");
  EXPECT_TRUE(first.has_create_time());
  MustRecord("kari", Order("o-2", absl::Hours(1)));
  MustRecord("kari", Order("o-3", absl::Hours(2)));
  MustRecord("ola", Order("o-4", absl::Minutes(30)));

  v1::GetInteractionRequest get;
  get.set_name(first.name());
  v1::Interaction got;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(interactions_->GetInteraction(&context, get, &got).ok());
  }
  EXPECT_EQ(got.external_ref(), "o-1");
  EXPECT_EQ(got.amount().units(), 499);

  v1::ListInteractionsResponse page = List("profiles/kari", 2);
  EXPECT_THAT(Refs(page), ElementsAre("o-2", "o-3"));
  page = List("profiles/kari", 2, page.next_page_token());
  EXPECT_THAT(Refs(page), ElementsAre("o-1"));
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_THAT(Refs(List("profiles/kari", 0, "", "occur_time")), ElementsAre("o-1", "o-3", "o-2"));
  EXPECT_THAT(Refs(List("profiles/-")), ElementsAre("o-4", "o-2", "o-3", "o-1"));

  v1::DeleteInteractionRequest remove;
  remove.set_name(first.name());
  v1::DeleteInteractionResponse removed;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(interactions_->DeleteInteraction(&context, remove, &removed).ok());
  }
  EXPECT_THAT(Refs(List("profiles/kari")), ElementsAre("o-2", "o-3"));
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = interactions_->GetInteraction(&context, get, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ReasonOf(status), "INTERACTION_NOT_FOUND");
}

// Verifies (source_system, external_ref) is unique in the store: the same
// order again on the same profile returns the first; with another amount or
// on another profile it is ALREADY_EXISTS naming where it is.
TEST_P(InteractionServiceTest, ExternalRefIsIdempotentAndUnique) {
  MustCreate("kari");
  MustCreate("ola");
  v1::Interaction order = Order("o-1", absl::Hours(1));
  v1::Interaction first = MustRecord("kari", order);
  v1::Interaction again = MustRecord("kari", order);
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(List("profiles/kari").interactions_size(), 1);

  v1::Interaction changed = order;
  changed.mutable_amount()->set_units(999);
  v1::Interaction out;
  grpc::Status status = Record("kari", changed, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ReasonOf(status), "INTERACTION_ALREADY_EXISTS");
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("name"), first.name());
  status = Record("ola", order, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ErrorInfoOf(status).metadata().at("name"), first.name());
  EXPECT_EQ(List("profiles/ola").interactions_size(), 0);
}

// Verifies bad input is INVALID_ARGUMENT naming every bad field and records
// nothing; a missing profile is NOT_FOUND, a deleted one FAILED_PRECONDITION;
// a batch answers each item on its own, in order.
TEST_P(InteractionServiceTest, RefusalsNameTheFieldAndBatchItemsStandAlone) {
  v1::Profile kari = MustCreate("kari");
  v1::Interaction bad = Order("o-1", absl::Hours(-1));  // an hour ahead
  bad.mutable_amount()->set_currency_code("nok");
  bad.set_source_system("Web Shop");
  bad.mutable_satisfaction()->set_csat(9);
  v1::Interaction out;
  grpc::Status status = Record("kari", bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status),
              UnorderedElementsAre("interaction.occur_time", "interaction.source_system",
                                   "interaction.satisfaction", "interaction.amount.currency_code",
                                   "interaction.satisfaction.csat",
                                   "interaction.satisfaction.question_id"));
  v1::Interaction survey;
  survey.set_channel(v1::INTERACTION_CHANNEL_EMAIL);
  survey.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
  survey.set_kind(v1::INTERACTION_KIND_SURVEY_RESPONSE);
  *survey.mutable_occur_time() = Ago(absl::Minutes(1));
  survey.set_source_system("survey");
  status = Record("kari", survey, &out);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("interaction.satisfaction"));
  status = Record("nobody", Order("o-2", absl::Hours(1)), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(List("profiles/kari").interactions_size(), 0);

  v1::BatchRecordInteractionsRequest batch;
  for (int i = 0; i < 3; ++i) {
    v1::RecordInteractionRequest* item = batch.add_requests();
    item->set_parent(i == 1 ? "profiles/nobody" : "profiles/kari");
    *item->mutable_interaction() = Order(absl::StrCat("b-", i), absl::Hours(i + 1));
  }
  v1::BatchRecordInteractionsResponse results;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(interactions_->BatchRecordInteractions(&context, batch, &results).ok());
  }
  ASSERT_EQ(results.results_size(), 3);
  EXPECT_TRUE(results.results(0).has_interaction());
  ASSERT_TRUE(results.results(1).has_error());
  EXPECT_EQ(results.results(1).error().code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(results.results(2).has_interaction());
  EXPECT_THAT(Refs(List("profiles/kari")), ElementsAre("b-0", "b-2"));

  v1::DeleteProfileRequest remove;
  remove.set_name("profiles/kari");
  v1::Profile deleted;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->DeleteProfile(&context, remove, &deleted).ok());
  }
  status = Record("kari", Order("o-3", absl::Hours(1)), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "PROFILE_DELETED");
}

// Verifies an interaction recorded on a merged profile lands on the
// survivor.
TEST_P(InteractionServiceTest, RecordOnAMergedProfileLandsOnTheSurvivor) {
  v1::Profile kari = MustCreate("kari");
  v1::Profile copy = MustCreate("kari-copy");
  v1::MergeProfilesRequest merge;
  merge.set_survivor(kari.name());
  merge.add_merged_profiles()->set_name(copy.name());
  v1::MergeProfilesResponse merged;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->MergeProfiles(&context, merge, &merged).ok());
  }
  v1::Interaction landed = MustRecord("kari-copy", Order("o-1", absl::Hours(1)));
  EXPECT_THAT(landed.name(), ::testing::StartsWith("profiles/kari/interactions/"));
  EXPECT_THAT(Refs(List("profiles/kari")), ElementsAre("o-1"));
}

// Verifies a merge moves the merged profile's interactions to the survivor
// (each keeping its origin, found by its old name too) and the insights
// follow; the unmerge moves exactly those back, and an interaction recorded
// on the survivor meanwhile stays.
TEST_P(InteractionServiceTest, MergeMovesTheTimelineAndUnmergeMovesItBack) {
  MustCreate("web");
  v1::Profile billing = MustCreate("billing");
  MustRecord("web", Order("o-web", absl::Hours(5), 100));
  v1::Interaction moved = MustRecord("billing", Order("o-billing", absl::Hours(4), 200));
  auto value = [&](const std::string& profile) {
    v1::GetProfileInsightsRequest request;
    request.set_name("profiles/" + profile + "/insights");
    v1::ProfileInsights insights;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_TRUE(interactions_->GetProfileInsights(&context, request, &insights).ok());
    return insights.values_size() == 0 ? 0 : insights.values(0).lifetime_value().units();
  };
  EXPECT_EQ(value("web"), 100);

  v1::MergeProfilesRequest merge;
  merge.set_survivor("profiles/web");
  merge.add_merged_profiles()->set_name(billing.name());
  v1::MergeProfilesResponse merged;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->MergeProfiles(&context, merge, &merged).ok());
  }
  EXPECT_THAT(merged.merge().moved_interactions(), ElementsAre(moved.name()));
  EXPECT_THAT(Refs(List("profiles/web")), ElementsAre("o-billing", "o-web"));
  EXPECT_EQ(List("profiles/web").interactions(0).origin_profile(), "profiles/billing");
  EXPECT_EQ(value("web"), 300);
  EXPECT_EQ(value("billing"), 0);
  {
    v1::GetInteractionRequest get;
    get.set_name(moved.name());  // the name from before the merge
    v1::Interaction got;
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(interactions_->GetInteraction(&context, get, &got).ok());
    EXPECT_THAT(got.name(), ::testing::StartsWith("profiles/web/interactions/"));
  }
  MustRecord("web", Order("o-later", absl::Hours(1), 50));

  v1::UnmergeProfileRequest unmerge;
  unmerge.set_name(merged.merge().name());
  v1::UnmergeProfileResponse undone;
  {
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles_->UnmergeProfile(&context, unmerge, &undone).ok());
  }
  EXPECT_THAT(Refs(List("profiles/web")), ElementsAre("o-later", "o-web"));
  EXPECT_THAT(Refs(List("profiles/billing")), ElementsAre("o-billing"));
  EXPECT_EQ(value("web"), 150);
  EXPECT_EQ(value("billing"), 200);
}

// Verifies the ListInteractions filter: enum names, times, strings and
// wildcards, NOT and OR, and an unknown enum value or field is
// INVALID_FILTER.
TEST_P(InteractionServiceTest, ListFilters) {
  MustCreate("kari");
  MustRecord("kari", Order("o-1", absl::Hours(5)));
  v1::Interaction payment = Order("p-1", absl::Hours(3));
  payment.set_kind(v1::INTERACTION_KIND_PAYMENT);
  payment.set_source_system("billing");
  MustRecord("kari", payment);
  v1::Interaction campaign = Order("o-2", absl::Hours(1));
  campaign.set_campaign("spring-2026");
  MustRecord("kari", campaign);

  auto refs = [&](const std::string& filter) {
    v1::ListInteractionsRequest request;
    request.set_parent("profiles/kari");
    request.set_filter(filter);
    v1::ListInteractionsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = interactions_->ListInteractions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return Refs(response);
  };
  EXPECT_THAT(refs("kind = INTERACTION_KIND_PAYMENT"), ElementsAre("p-1"));
  EXPECT_THAT(refs("kind != \"INTERACTION_KIND_PAYMENT\""), ElementsAre("o-2", "o-1"));
  EXPECT_THAT(refs("source_system = \"webshop\" AND campaign:\"spring-*\""), ElementsAre("o-2"));
  const std::string two_hours_ago =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() - absl::Hours(2), absl::UTCTimeZone());
  EXPECT_THAT(refs("occur_time < \"" + two_hours_ago + "\""), ElementsAre("p-1", "o-1"));
  EXPECT_THAT(refs("NOT channel = INTERACTION_CHANNEL_WEB OR kind = INTERACTION_KIND_REFUND"),
              ::testing::IsEmpty());

  for (const std::string bad :
       {"kind = ORDER", "amount > 5", "channel < INTERACTION_CHANNEL_WEB"}) {
    v1::ListInteractionsRequest request;
    request.set_parent("profiles/kari");
    request.set_filter(bad);
    v1::ListInteractionsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = interactions_->ListInteractions(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(ReasonOf(status), "INVALID_FILTER") << bad;
  }
}

// Verifies the stored insights equal a from-scratch recomputation over the
// timeline after every step of a random sequence of orders, refunds,
// payments, survey answers, replays, batches, deletions, merges and
// unmerges, arriving out of order.
TEST_P(InteractionServiceTest, InsightsEqualARecomputationAfterEveryStep) {
  MustCreate("kari");
  std::mt19937 random(GetParam() == Backend::kSqlite ? 11 : 12);
  std::vector<v1::Interaction> sent;
  std::vector<std::string> names;
  auto check = [&](int step) {
    v1::GetProfileInsightsRequest request;
    request.set_name("profiles/kari/insights");
    v1::ProfileInsights stored;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = interactions_->GetProfileInsights(&context, request, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::vector<v1::Interaction> timeline;
    std::string token;
    do {
      v1::ListInteractionsResponse page = List("profiles/kari", 100, token);
      for (const v1::Interaction& i : page.interactions()) timeline.push_back(i);
      token = page.next_page_token();
    } while (!token.empty());
    v1::ProfileInsights expected = domain::ComputeInsights("kari", timeline, {});
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differencer.Compare(stored, expected)) << "step " << step << ": " << diff;
  };
  const v1::InteractionKind kinds[] = {
      v1::INTERACTION_KIND_ORDER, v1::INTERACTION_KIND_REFUND, v1::INTERACTION_KIND_PAYMENT,
      v1::INTERACTION_KIND_SURVEY_RESPONSE, v1::INTERACTION_KIND_CALL};
  auto random_interaction = [&](const std::string& ref) {
    v1::Interaction interaction =
        Order(ref, absl::Hours(std::uniform_int_distribution<int>(1, 24 * 500)(random)),
              std::uniform_int_distribution<int>(1, 5000)(random));
    interaction.set_kind(kinds[std::uniform_int_distribution<int>(0, 4)(random)]);
    if (!domain::IsMoneyKind(interaction.kind())) interaction.clear_amount();
    if (std::uniform_int_distribution<int>(0, 3)(random) == 0) {
      interaction.mutable_amount()->set_currency_code("EUR");
      if (!domain::IsMoneyKind(interaction.kind())) interaction.clear_amount();
    }
    interaction.set_channel(
        static_cast<v1::InteractionChannel>(std::uniform_int_distribution<int>(1, 11)(random)));
    interaction.set_direction(std::uniform_int_distribution<int>(0, 1)(random) == 0
                                  ? v1::INTERACTION_DIRECTION_INBOUND
                                  : v1::INTERACTION_DIRECTION_OUTBOUND);
    if (interaction.kind() == v1::INTERACTION_KIND_SURVEY_RESPONSE ||
        interaction.kind() == v1::INTERACTION_KIND_CALL) {
      interaction.mutable_satisfaction()->set_question_id("q");
      interaction.mutable_satisfaction()->set_csat(
          std::uniform_int_distribution<int>(1, 5)(random));
      if (std::uniform_int_distribution<int>(0, 1)(random) == 0) {
        interaction.mutable_satisfaction()->set_nps(
            std::uniform_int_distribution<int>(0, 10)(random));
      }
    }
    return interaction;
  };
  // After a merge or an unmerge the names (and what to replay) are read back.
  auto reread = [&] {
    names.clear();
    sent.clear();
    std::string token;
    do {
      v1::ListInteractionsResponse page = List("profiles/kari", 100, token);
      for (v1::Interaction i : page.interactions()) {
        names.push_back(i.name());
        i.clear_name();
        i.clear_create_time();
        i.clear_origin_profile();
        sent.push_back(i);
      }
      token = page.next_page_token();
    } while (!token.empty());
  };
  std::vector<std::string> merges;
  for (int step = 0; step < 60; ++step) {
    const int action = std::uniform_int_distribution<int>(0, 11)(random);
    if (action == 0 && !names.empty()) {  // delete one
      const size_t victim = std::uniform_int_distribution<size_t>(0, names.size() - 1)(random);
      v1::DeleteInteractionRequest remove;
      remove.set_name(names[victim]);
      v1::DeleteInteractionResponse removed;
      grpc::ClientContext context;
      SetDeadline(&context);
      ASSERT_TRUE(interactions_->DeleteInteraction(&context, remove, &removed).ok());
      names.erase(names.begin() + static_cast<std::ptrdiff_t>(victim));
      sent.erase(sent.begin() + static_cast<std::ptrdiff_t>(victim));
    } else if (action == 1 && !sent.empty()) {  // replay one
      const size_t again = std::uniform_int_distribution<size_t>(0, sent.size() - 1)(random);
      EXPECT_EQ(MustRecord("kari", sent[again]).name(), names[again]);
    } else if (action == 2) {  // a batch of new ones, with a replay inside
      v1::BatchRecordInteractionsRequest batch;
      const int n = std::uniform_int_distribution<int>(1, 4)(random);
      for (int i = 0; i < n; ++i) {
        v1::RecordInteractionRequest* item = batch.add_requests();
        item->set_parent("profiles/kari");
        *item->mutable_interaction() = random_interaction(absl::StrCat("ref-", step, "-", i));
      }
      *batch.add_requests() = batch.requests(0);
      v1::BatchRecordInteractionsResponse recorded;
      grpc::ClientContext context;
      SetDeadline(&context);
      ASSERT_TRUE(interactions_->BatchRecordInteractions(&context, batch, &recorded).ok());
      ASSERT_EQ(recorded.results_size(), n + 1);
      for (int i = 0; i < n; ++i) {
        ASSERT_TRUE(recorded.results(i).has_interaction()) << recorded.results(i).error().message();
        names.push_back(recorded.results(i).interaction().name());
        sent.push_back(batch.requests(i).interaction());
      }
      EXPECT_EQ(recorded.results(n).interaction().name(), names[names.size() - n]);
    } else if (action == 3) {  // merge another profile's timeline in
      const std::string other = absl::StrCat("other-", step);
      MustCreate(other);
      for (int i = 0; i < 3; ++i) MustRecord(other, random_interaction(absl::StrCat(other, i)));
      v1::MergeProfilesRequest merge;
      merge.set_survivor("profiles/kari");
      merge.add_merged_profiles()->set_name("profiles/" + other);
      v1::MergeProfilesResponse merged;
      grpc::ClientContext context;
      SetDeadline(&context);
      grpc::Status status = profiles_->MergeProfiles(&context, merge, &merged);
      ASSERT_TRUE(status.ok()) << status.error_message();
      merges.push_back(merged.merge().name());
      reread();
    } else if (action == 4 && !merges.empty()) {  // undo the latest merge
      v1::UnmergeProfileRequest unmerge;
      unmerge.set_name(merges.back());
      v1::UnmergeProfileResponse unmerged;
      grpc::ClientContext context;
      SetDeadline(&context);
      grpc::Status status = profiles_->UnmergeProfile(&context, unmerge, &unmerged);
      ASSERT_TRUE(status.ok()) << status.error_message();
      merges.pop_back();
      reread();
    } else {
      v1::Interaction interaction = random_interaction(absl::StrCat("ref-", step));
      names.push_back(MustRecord("kari", interaction).name());
      sent.push_back(interaction);
    }
    check(step);
    if (HasFatalFailure()) return;
  }
}

// Verifies ListProfiles filters and orders on insights.value_tier and
// insights.last_interaction_time (a profile without interactions has
// neither), paged by keyset; and that a server started with other
// --value-tiers re-tiers the stored insights before it serves.
TEST_P(InteractionServiceTest, ListProfilesOnInsightsAndRetieringAtStart) {
  MustCreate("kari");
  MustCreate("ola");
  MustCreate("per");
  MustRecord("kari", Order("k-1", absl::Hours(24 * 10), 30000));
  MustRecord("ola", Order("o-1", absl::Hours(24 * 400), 6000));

  TestServerOptions options;
  options.runner.interactions.value_tiers =
      *domain::ParseValueTiers("NOK:bronze=0,silver=5000,gold=25000");
  auto tiered = TestServer::Start(server_->store(), options);
  ASSERT_TRUE(tiered.ok()) << tiered.status();
  auto profiles = (*tiered)->NewStub();
  auto list = [&](const std::string& filter, const std::string& order_by = "",
                  const std::string& token = "", int page_size = 0) {
    v1::ListProfilesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_token(token);
    request.set_page_size(page_size);
    v1::ListProfilesResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = profiles->ListProfiles(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return response;
  };
  auto names = [](const v1::ListProfilesResponse& response) {
    std::vector<std::string> out;
    for (const v1::Profile& profile : response.profiles()) out.push_back(profile.name());
    return out;
  };
  EXPECT_THAT(names(list(R"(insights.value_tier = "gold")")), ElementsAre("profiles/kari"));
  EXPECT_THAT(names(list(R"(insights.value_tier = "silver")")), ElementsAre("profiles/ola"));
  EXPECT_THAT(names(list(R"(insights.value_tier = "")")), ElementsAre("profiles/per"));
  const std::string cutoff =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() - absl::Hours(24 * 100), absl::UTCTimeZone());
  EXPECT_THAT(names(list(absl::StrCat("insights.last_interaction_time < \"", cutoff, "\""))),
              ElementsAre("profiles/ola"));
  EXPECT_THAT(names(list(absl::StrCat("insights.last_interaction_time >= \"", cutoff,
                                      "\" AND insights.value_tier = \"gold\""))),
              ElementsAre("profiles/kari"));

  std::vector<std::string> ordered;
  std::string token;
  do {
    v1::ListProfilesResponse page = list("", "insights.last_interaction_time desc", token, 1);
    for (const v1::Profile& profile : page.profiles()) ordered.push_back(profile.name());
    token = page.next_page_token();
  } while (!token.empty() && ordered.size() < 10);
  EXPECT_THAT(ordered, ElementsAre("profiles/kari", "profiles/ola", "profiles/per"));

  v1::GetProfileInsightsRequest request;
  request.set_name("profiles/kari/insights");
  v1::ProfileInsights insights;
  grpc::ClientContext context;
  SetDeadline(&context);
  auto tiered_interactions = v1::InteractionService::NewStub((*tiered)->NewChannel());
  ASSERT_TRUE(tiered_interactions->GetProfileInsights(&context, request, &insights).ok());
  EXPECT_EQ(insights.value_tier(), "gold");
}

// Verifies that insights stored without their running totals (as before
// migration 0009) are recomputed from the timeline when a server starts,
// and that recording goes on from the recomputed totals.
TEST(InteractionRefreshTest, InsightsWithoutTotalsAreRecomputedAtStart) {
  TempDir dir;
  storage::SqliteStoreOptions store_options;
  store_options.path = dir.File("profiles.db");
  auto store = storage::OpenSqliteStore(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Migrate().ok());
  {
    auto server = TestServer::Start(store->get());
    ASSERT_TRUE(server.ok()) << server.status();
    auto profiles = (*server)->NewStub();
    auto interactions = v1::InteractionService::NewStub((*server)->NewChannel());
    v1::CreateProfileRequest create;
    create.set_profile_id("kari");
    v1::Profile created;
    grpc::ClientContext context;
    SetDeadline(&context);
    ASSERT_TRUE(profiles->CreateProfile(&context, create, &created).ok());
    for (const std::string ref : {"o-1", "o-2"}) {
      v1::RecordInteractionRequest request;
      request.set_parent("profiles/kari");
      *request.mutable_interaction() = Order(ref, absl::Hours(2), 100);
      v1::Interaction recorded;
      grpc::ClientContext record_context;
      SetDeadline(&record_context);
      ASSERT_TRUE(interactions->RecordInteraction(&record_context, request, &recorded).ok());
    }
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(store_options.path.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE profile_insights SET state = NULL, data = x''", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);

  auto server = TestServer::Start(store->get());
  ASSERT_TRUE(server.ok()) << server.status();
  auto interactions = v1::InteractionService::NewStub((*server)->NewChannel());
  auto insights_now = [&] {
    v1::GetProfileInsightsRequest get;
    get.set_name("profiles/kari/insights");
    v1::ProfileInsights insights;
    grpc::ClientContext context;
    SetDeadline(&context);
    EXPECT_TRUE(interactions->GetProfileInsights(&context, get, &insights).ok());
    return insights;
  };
  v1::ProfileInsights refreshed = insights_now();
  EXPECT_EQ(refreshed.interaction_count(), 2) << "not recomputed when the server started";
  ASSERT_EQ(refreshed.values_size(), 1);
  EXPECT_EQ(refreshed.values(0).lifetime_value().units(), 200);

  v1::RecordInteractionRequest request;
  request.set_parent("profiles/kari");
  *request.mutable_interaction() = Order("o-3", absl::Hours(1), 100);
  v1::Interaction recorded;
  grpc::ClientContext record_context;
  SetDeadline(&record_context);
  ASSERT_TRUE(interactions->RecordInteraction(&record_context, request, &recorded).ok());
  v1::ProfileInsights after = insights_now();
  EXPECT_EQ(after.interaction_count(), 3);
  ASSERT_EQ(after.values_size(), 1);
  EXPECT_EQ(after.values(0).lifetime_value().units(), 300);
}

INSTANTIATE_TEST_SUITE_P(Backends, InteractionServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace cp::testing
