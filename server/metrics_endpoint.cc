#include "server/metrics_endpoint.h"

#include <prometheus/exposer.h>

#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cp::server {

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& address, const ServerMetrics& metrics) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics-listen must be HOST:PORT, e.g. 127.0.0.1:9464; got \"", address, "\""));
  }
  std::string host = address.substr(0, colon);
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // One thread answers scrapes; Prometheus scrapes one at a time.
    exposer = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  for (const std::weak_ptr<prometheus::Collectable>& collectable : metrics.collectables()) {
    exposer->RegisterCollectable(collectable);
  }
  std::vector<int> ports = exposer->GetListeningPorts();
  std::string bound = absl::StrCat(host, ":", ports.empty() ? port : ports.front());
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(exposer), bound));
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, std::string address)
    : exposer_(std::move(exposer)), address_(std::move(address)) {}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace cp::server
