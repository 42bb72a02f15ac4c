#include "domain/change/read_auditor.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/strip.h"
#include "customerprofile/v1/change.pb.h"
#include "domain/change/change_recorder.h"
#include "domain/change/field_changes.h"
#include "domain/common/proto_time.h"

namespace cp::domain {
namespace {

constexpr absl::string_view kPiiReadScope = "pii.read";

// PersonalFields returns the fields holding personal data set in `profile`.
std::vector<std::string> PersonalFields(const customerprofile::v1::Profile& profile) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  profile.GetReflection()->ListFields(profile, &fields);
  std::vector<std::string> personal;
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (FieldHoldsPii(field)) personal.push_back(field->name());
  }
  return personal;
}

}  // namespace

ReadAuditor::ReadAuditor(storage::Store* store, const Clock* clock)
    : store_(store), clock_(clock) {}

absl::Status ReadAuditor::RecordReads(
    absl::Span<const customerprofile::v1::Profile* const> profiles, const CallContext& context) {
  if (!context.HasScope(kPiiReadScope)) return absl::OkStatus();
  const absl::Time now = TruncateToMicros(clock_->Now());
  std::vector<storage::ChangeRecord> reads;
  for (const customerprofile::v1::Profile* profile : profiles) {
    std::vector<std::string> personal = PersonalFields(*profile);
    if (personal.empty()) continue;
    ChangeSubject subject{customerprofile::v1::CHANGE_RESOURCE_TYPE_PROFILE, profile->name(),
                          std::string(absl::StripPrefix(profile->name(), "profiles/"))};
    storage::ChangeRecord record =
        NewChange(context, now, std::move(subject), customerprofile::v1::CHANGE_KIND_UNSPECIFIED);
    record.read = true;
    for (std::string& field : personal) record.details.add_field_paths(std::move(field));
    record.details.set_etag(profile->etag());
    reads.push_back(std::move(record));
  }
  if (reads.empty()) return absl::OkStatus();
  return store_->Run(storage::TransactionMode::kReadWrite, context.deadline,
                     [&](storage::Transaction& tx) {
                       for (const storage::ChangeRecord& read : reads) {
                         if (absl::Status s = tx.changes().AppendChange(read); !s.ok()) return s;
                       }
                       return absl::OkStatus();
                     });
}

}  // namespace cp::domain
