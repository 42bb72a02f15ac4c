#include "domain/suppression/suppression_import.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/change/change_recorder.h"
#include "domain/common/errors.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/common/utf8.h"
#include "domain/consent/consent_names.h"
#include "domain/suppression/suppression_list_view.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::GenerationState;
using storage::SuppressionListRecord;
using storage::Transaction;
using storage::TransactionMode;

}  // namespace

SuppressionImport::SuppressionImport(storage::Store* store, const Clock* clock,
                                     const SuppressionIdentifiers* identifiers,
                                     SuppressionImportOptions options, SuppressionListRecord list,
                                     v1::ImportMode mode, int64_t generation)
    : store_(store),
      clock_(clock),
      identifiers_(identifiers),
      options_(options),
      list_(std::move(list)),
      mode_(mode),
      generation_(generation) {
  pending_.reserve(options_.batch_size);
}

SuppressionImport::~SuppressionImport() { Abandon(); }

void SuppressionImport::Abandon() {
  if (done_) return;
  done_ = true;
  // Best effort: a generation left staging is cleaned up once it is old.
  absl::Time now = clock_->Now();
  (void)store_->Run(TransactionMode::kReadWrite, absl::Now() + absl::Seconds(10),
                    [&](Transaction& tx) {
                      return tx.suppressions().RetireGeneration(list_.id, generation_, now);
                    });
}

absl::Status SuppressionImport::Add(const v1::ImportSuppressionEntriesRequest& request,
                                    const CallContext& context) {
  if (done_) return absl::FailedPreconditionError("the import is over");
  FieldViolations violations;
  if (!request.suppression_list().empty() &&
      request.suppression_list() != SuppressionListName(list_.id)) {
    violations.Add("suppression_list", "must name the list of the first message");
  }
  if (request.mode() != v1::IMPORT_MODE_UNSPECIFIED && request.mode() != mode_) {
    violations.Add("mode", "must be the mode of the first message");
  }
  if (response_.lines_read() + request.lines_size() > options_.max_lines) {
    violations.Add("lines", absl::StrCat("an import holds at most ", options_.max_lines, " lines"));
  }
  if (!violations.empty()) return violations.ToStatus();

  for (const std::string& line : request.lines()) {
    int64_t number = response_.lines_read() + 1;
    response_.set_lines_read(number);
    absl::string_view text = TrimWhitespace(line);
    if (text.empty() || text.front() == '#') {
      response_.set_skipped_count(response_.skipped_count() + 1);
      continue;
    }
    absl::StatusOr<std::string> identifier = identifiers_->Normalize(list_.identifier_kind, text);
    if (!identifier.ok()) {
      response_.set_rejected_count(response_.rejected_count() + 1);
      if (response_.rejected_lines_size() < options_.max_rejected_listed) {
        v1::RejectedLine* rejected = response_.add_rejected_lines();
        rejected->set_line_number(number);
        rejected->set_reason(std::string(identifier.status().message()));
      }
      continue;
    }
    ++good_lines_;
    pending_.push_back(*std::move(identifier));
    if (pending_.size() >= options_.batch_size) {
      if (absl::Status s = Flush(context); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status SuppressionImport::Flush(const CallContext& context) {
  if (pending_.empty()) return absl::OkStatus();
  // Sorted rows go into the B-trees in order, which is much cheaper.
  std::sort(pending_.begin(), pending_.end());
  int64_t added = 0;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        absl::StatusOr<int64_t> n =
            tx.suppressions().InsertEntries(list_.id, generation_, pending_);
        if (!n.ok()) return n.status();
        added = *n;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  staged_ += added;
  pending_.clear();
  return absl::OkStatus();
}

absl::StatusOr<v1::ImportSuppressionEntriesResponse> SuppressionImport::Finish(
    const CallContext& context) {
  if (done_) return absl::FailedPreconditionError("the import is over");
  if (absl::Status s = Flush(context); !s.ok()) return s;
  if (mode_ == v1::IMPORT_MODE_REPLACE && staged_ == 0) {
    // An empty or wholly malformed file (a truncated download, the wrong
    // format) must not lift every block at once.
    return MakeError(absl::StatusCode::kFailedPrecondition, "EMPTY_REPLACE",
                     "a REPLACE import without one good line would empty the list; nothing was "
                     "changed (to empty a list, delete and recreate it)",
                     {{"name", SuppressionListName(list_.id)}});
  }
  absl::Time now = TruncateToMicros(clock_->Now());
  int64_t added = 0;
  SuppressionListRecord published;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::SuppressionRepository& repo = tx.suppressions();
        auto current = repo.LockList(list_.id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, "SUPPRESSION_LIST_NOT_FOUND",
                           "the suppression list was deleted during the import",
                           {{"name", SuppressionListName(list_.id)}});
        }
        SuppressionListRecord record = **current;
        int64_t expected = record.revision;
        if (mode_ == v1::IMPORT_MODE_REPLACE) {
          if (record.generation > generation_) {
            return MakeError(absl::StatusCode::kAborted, "IMPORT_SUPERSEDED",
                             "a REPLACE import that began later finished first; nothing was "
                             "changed",
                             {{"name", SuppressionListName(list_.id)}});
          }
          if (absl::Status s = repo.RetireGeneration(list_.id, record.generation, now); !s.ok()) {
            return s;
          }
          if (absl::Status s = repo.ForgetGeneration(generation_); !s.ok()) return s;
          added = staged_;
          record.generation = generation_;
          record.entry_count = staged_;
        } else {
          absl::StatusOr<int64_t> copied =
              repo.CopyEntries(list_.id, generation_, record.generation);
          if (!copied.ok()) return copied.status();
          added = *copied;
          record.entry_count += added;
          if (absl::Status s = repo.RetireGeneration(list_.id, generation_, now); !s.ok()) {
            return s;
          }
        }
        record.revision = expected + 1;
        record.update_time = now;
        if (absl::Status s = repo.UpdateList(record, expected); !s.ok()) return s;
        published = record;
        const v1::SuppressionList before = ToSuppressionList(**current);
        const v1::SuppressionList after = ToSuppressionList(record);
        return RecordChange(tx, context, now,
                            {v1::CHANGE_RESOURCE_TYPE_SUPPRESSION_LIST, after.name(), ""},
                            v1::CHANGE_KIND_IMPORTED, &before, &after, after.etag());
      });
  if (!status.ok()) return status;
  done_ = true;
  response_.set_added_count(added);
  response_.set_duplicate_count(good_lines_ - added);
  *response_.mutable_suppression_list() = ToSuppressionList(published);
  return response_;
}

}  // namespace cp::domain
