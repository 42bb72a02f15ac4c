#include "domain/suppression/suppression_list_view.h"

#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/consent/consent_names.h"

namespace cp::domain {

customerprofile::v1::SuppressionList ToSuppressionList(
    const storage::SuppressionListRecord& record) {
  customerprofile::v1::SuppressionList list;
  list.set_name(SuppressionListName(record.id));
  list.set_etag(ComputeEtag(record.id, record.revision));
  list.set_display_name(record.display_name);
  for (customerprofile::v1::Channel channel : record.channels) list.add_channels(channel);
  list.set_identifier_kind(record.identifier_kind);
  list.set_source(record.source);
  list.set_entry_count(record.entry_count);
  *list.mutable_create_time() = ToProtoTime(record.create_time);
  *list.mutable_update_time() = ToProtoTime(record.update_time);
  return list;
}

}  // namespace cp::domain
