#pragma once

#include "domain/common/call_context.h"
#include "domain/common/errors.h"

namespace cp::domain {

// PagingOptions are the server-wide page sizes of every List method
// (--default-page-size, --max-page-size).
struct PagingOptions {
  // The page size of a request that gives none (page_size 0).
  int default_page_size = 50;
  // The largest page; larger requests are clamped to it.
  int max_page_size = 1000;
};

// ResolvePageSize returns the number of items a List call returns at most
// (AIP-158): `requested` page_size, or options.default_page_size for 0,
// clamped to options.max_page_size and to the caller's cap
// (context.max_page_size, when not 0). A negative `requested` adds a
// violation on "page_size" and returns 0.
int ResolvePageSize(int requested, const PagingOptions& options, const CallContext& context,
                    FieldViolations* violations);

}  // namespace cp::domain
