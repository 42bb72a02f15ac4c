#include "bench/load_command.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_ids.h"
#include "bench/profile_factory.h"
#include "customerprofile/v1/consent.pb.h"
#include "domain/common/clock.h"
#include "domain/common/resource_names.h"
#include "domain/profile/profile_validator.h"
#include "storage/consent_repository.h"
#include "storage/mysql/mysql_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"
#include "storage/suppression_repository.h"

namespace cp::bench {
namespace {

using storage::ProfileRecord;
using storage::Store;
using storage::Transaction;
using storage::TransactionMode;

constexpr absl::string_view kSqlitePrefix = "sqlite:";
constexpr absl::string_view kMysqlPrefix = "mysql://";
constexpr absl::string_view kMysqlPasswordEnv = "PROFILE_SERVER_MYSQL_PASSWORD";
// How long one batch may take at most, lock waits included.
constexpr absl::Duration kBatchDeadline = absl::Minutes(2);

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& uri, int threads) {
  if (absl::StartsWith(uri, kSqlitePrefix)) {
    storage::SqliteStoreOptions options;
    options.path = uri.substr(kSqlitePrefix.size());
    options.pool_size = threads;
    options.busy_timeout = kBatchDeadline;
    return storage::OpenSqliteStore(options);
  }
  if (absl::StartsWith(uri, kMysqlPrefix)) {
    auto options = storage::ParseMysqlUri(uri);
    if (!options.ok()) return options.status();
    if (options->password.empty()) {
      if (const char* password = std::getenv(std::string(kMysqlPasswordEnv).c_str())) {
        options->password = password;
      }
    }
    options->pool_size = threads;
    return storage::OpenMysqlStore(*options);
  }
  return absl::InvalidArgumentError("--store must start with sqlite: or mysql://");
}

// Loader writes batches of bench profiles from several threads.
class Loader {
 public:
  Loader(Store* store, const LoadOptions& options, absl::Time now)
      : store_(store),
        options_(options),
        now_(now),
        validator_(&clock_, domain::ValidationOptions{}) {}

  absl::Status Run(int threads) {
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i) workers.emplace_back([this] { Work(); });
    for (std::thread& worker : workers) worker.join();
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  void Work() {
    while (!failed_.load()) {
      int64_t first = 1 + next_batch_.fetch_add(1) * options_.batch;
      if (first > options_.count) return;
      int64_t last = std::min<int64_t>(options_.count, first + options_.batch - 1);
      absl::Status status = WriteBatch(first, last);
      if (!status.ok()) {
        absl::MutexLock lock(&mu_);
        if (status_.ok()) status_ = status;
        failed_.store(true);
      }
    }
  }

  absl::Status WriteBatch(int64_t first, int64_t last) {
    std::vector<ProfileRecord> records;
    records.reserve(last - first + 1);
    for (int64_t index = first; index <= last; ++index) {
      auto record = MakeRecord(index);
      if (!record.ok()) return record.status();
      records.push_back(*std::move(record));
    }
    std::vector<std::string> suppressed;
    if (options_.consents) {
      for (const ProfileRecord& record : records) {
        if (record.profile.phones_size() > 0 && std::hash<std::string>()(record.id) % 100 == 0) {
          suppressed.push_back(record.profile.phones(0).number());
        }
      }
    }
    return store_->Run(TransactionMode::kReadWrite, absl::Now() + kBatchDeadline,
                       [&](Transaction& tx) {
                         for (const ProfileRecord& record : records) {
                           if (absl::Status s = tx.InsertProfile(record); !s.ok()) return s;
                           if (!options_.consents) continue;
                           storage::ConsentEventRecord event = GrantOf(record);
                           if (absl::Status s = tx.consents().AppendConsentEvent(&event); !s.ok()) {
                             return s;
                           }
                         }
                         if (suppressed.empty()) return absl::OkStatus();
                         return tx.suppressions()
                             .InsertEntries(kBenchRegister, register_generation_, suppressed)
                             .status();
                       });
  }

  // GrantOf is a web-form SMS grant of the bench purpose by `record`'s
  // profile, given an hour before now.
  storage::ConsentEventRecord GrantOf(const ProfileRecord& record) const {
    namespace v1 = ::customerprofile::v1;
    storage::ConsentEventRecord event;
    event.profile_id = record.id;
    event.event_id = absl::StrCat("g", record.id);
    event.purpose_id = kBenchPurpose;
    event.channel = v1::CHANNEL_SMS;
    event.occur_time = absl::FromUnixSeconds(absl::ToUnixSeconds(now_) - 3600);
    v1::ConsentEvent& e = event.event;
    e.set_name(absl::StrCat("profiles/", record.id, "/consentEvents/", event.event_id));
    e.set_purpose(absl::StrCat("purposes/", kBenchPurpose));
    e.set_channel(v1::CHANNEL_SMS);
    e.set_decision(v1::CONSENT_DECISION_GRANTED);
    e.set_notice_version(1);
    e.mutable_occur_time()->set_seconds(absl::ToUnixSeconds(event.occur_time));
    e.mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
    e.mutable_evidence()->set_source_system("bench");
    return event;
  }

 public:
  // PrepareConsents stores the bench purpose and an empty bench register.
  absl::Status PrepareConsents() {
    namespace v1 = ::customerprofile::v1;
    return store_->Run(
        TransactionMode::kReadWrite, absl::Now() + kBatchDeadline,
        [&](Transaction& tx) -> absl::Status {
          storage::PurposeRecord purpose;
          purpose.id = kBenchPurpose;
          purpose.revision = 1;
          v1::Purpose& p = purpose.purpose;
          p.set_display_name("Bench offers");
          p.set_legal_basis(v1::LEGAL_BASIS_CONSENT);
          p.add_channels(v1::CHANNEL_SMS);
          p.add_channels(v1::CHANNEL_EMAIL);
          p.set_notice_text("May we send you offers?");
          p.set_notice_version(1);
          p.mutable_create_time()->set_seconds(absl::ToUnixSeconds(now_));
          p.mutable_update_time()->set_seconds(absl::ToUnixSeconds(now_));
          if (auto s = tx.consents().InsertPurpose(purpose); !s.ok()) return s;
          if (auto s = tx.consents().InsertNoticeVersion({purpose.id, 1, p.notice_text(), now_});
              !s.ok()) {
            return s;
          }
          auto generation = tx.suppressions().AllocateGeneration(kBenchRegister, now_);
          if (!generation.ok()) return generation.status();
          register_generation_ = *generation;
          storage::SuppressionListRecord list;
          list.id = kBenchRegister;
          list.revision = 1;
          list.display_name = "Bench register";
          list.identifier_kind = v1::IDENTIFIER_KIND_PHONE_NUMBER;
          list.channels = {v1::CHANNEL_SMS};
          list.generation = register_generation_;
          list.create_time = now_;
          list.update_time = now_;
          return tx.suppressions().InsertList(list);
        });
  }

  // FinishConsents records the bench register's entry count.
  absl::Status FinishConsents() {
    return store_->Run(TransactionMode::kReadWrite, absl::Now() + kBatchDeadline,
                       [&](Transaction& tx) -> absl::Status {
                         auto list = tx.suppressions().GetList(kBenchRegister);
                         if (!list.ok()) return list.status();
                         if (!list->has_value()) return absl::InternalError("no bench register");
                         storage::SuppressionListRecord record = **list;
                         auto count = tx.suppressions().CountEntries(record.id, record.generation);
                         if (!count.ok()) return count.status();
                         record.entry_count = *count;
                         record.revision = 2;
                         return tx.suppressions().UpdateList(record, 1);
                       });
  }

  // MakeRecord builds the stored form of bench profile `index`, as
  // CreateProfile would store it; profiles are created one second apart,
  // the last one now.
  absl::StatusOr<ProfileRecord> MakeRecord(int64_t index) {
    ProfileRecord record{BenchProfileId(options_.id_prefix, index), 1, MakeBenchProfile(index)};
    domain::FieldViolations violations;
    validator_.Normalize("profile", &record.profile, &violations);
    if (!violations.empty()) {
      return absl::InternalError(absl::StrCat(
          "generated profile ", index, " is invalid: ", violations.violations().front().first));
    }
    record.profile.set_name(domain::ProfileName(record.id));
    int64_t created = absl::ToUnixSeconds(now_) - (options_.count - index);
    record.profile.mutable_create_time()->set_seconds(created);
    record.profile.mutable_update_time()->set_seconds(created);
    return record;
  }

 private:
  Store* store_;
  const LoadOptions& options_;
  const absl::Time now_;
  domain::SystemClock clock_;
  domain::ProfileValidator validator_;
  std::atomic<int64_t> next_batch_{0};
  std::atomic<bool> failed_{false};
  absl::Mutex mu_;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  int64_t register_generation_ = 0;
};

// CheckFresh fails when the first bench id is already stored.
absl::Status CheckFresh(Store* store, const std::string& first_id) {
  return store->Run(TransactionMode::kReadOnly, absl::Now() + kBatchDeadline,
                    [&](Transaction& tx) -> absl::Status {
                      auto existing = tx.GetProfile(first_id);
                      if (!existing.ok()) return existing.status();
                      if (existing->has_value()) {
                        return absl::FailedPreconditionError(absl::StrCat(
                            "the store already holds ", first_id, ": load needs a fresh store"));
                      }
                      return absl::OkStatus();
                    });
}

}  // namespace

int LoadCommand(const LoadOptions& options) {
  if (options.store.empty() || options.count < 1 || options.batch < 1 || options.threads < 0) {
    std::fprintf(stderr,
                 "profile-bench load: needs --store, --count >= 1, --batch >= 1 and "
                 "--threads >= 0\n");
    return 2;
  }
  int threads = options.threads;
  if (threads == 0) threads = absl::StartsWith(options.store, kSqlitePrefix) ? 2 : 4;

  absl::Time start = absl::Now();
  auto store = OpenStore(options.store, threads);
  absl::Status status = store.status();
  if (status.ok()) status = (*store)->Migrate();
  if (status.ok()) status = CheckFresh(store->get(), BenchProfileId(options.id_prefix, 1));
  if (status.ok()) {
    Loader loader(store->get(), options, start);
    if (options.consents) status = loader.PrepareConsents();
    if (status.ok()) status = loader.Run(threads);
    if (status.ok() && options.consents) status = loader.FinishConsents();
  }
  if (!status.ok()) {
    std::fprintf(stderr, "profile-bench load: %s\n", status.ToString().c_str());
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  std::vector<std::string> ids = MakeBenchIds(options.id_prefix, options.count);
  if (options.ids_file.empty()) {
    for (const std::string& id : ids) std::printf("%s\n", id.c_str());
    std::fflush(stdout);
  } else if (absl::Status written = WriteIdsFile(options.ids_file, ids); !written.ok()) {
    std::fprintf(stderr, "profile-bench load: %s\n", written.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "profile-bench load: %lld profiles into %s in %.1f s (%.0f/s)\n",
               static_cast<long long>(options.count), (*store)->Describe().c_str(), seconds,
               static_cast<double>(options.count) / seconds);
  return 0;
}

}  // namespace cp::bench
