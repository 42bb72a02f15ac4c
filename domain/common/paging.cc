#include "domain/common/paging.h"

#include <algorithm>

namespace cp::domain {

int ResolvePageSize(int requested, const PagingOptions& options, const CallContext& context,
                    FieldViolations* violations) {
  if (requested < 0) {
    violations->Add("page_size", "must not be negative");
    return 0;
  }
  int size = requested == 0 ? options.default_page_size : requested;
  size = std::min(size, options.max_page_size);
  if (context.max_page_size > 0) size = std::min(size, context.max_page_size);
  return size;
}

}  // namespace cp::domain
