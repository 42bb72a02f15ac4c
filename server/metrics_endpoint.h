#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/server_metrics.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace cp::server {

// MetricsEndpoint serves ServerMetrics over HTTP in Prometheus's text
// format at /metrics (--metrics-listen), on its own threads.
class MetricsEndpoint {
 public:
  // Start listens on `address` (HOST:PORT, port 0 picks one) and serves
  // `metrics`, which must outlive the endpoint. UNAVAILABLE when the address
  // cannot be bound; INVALID_ARGUMENT when it is not HOST:PORT.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address,
                                                                const ServerMetrics& metrics);
  ~MetricsEndpoint();

  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // address is HOST:PORT with the port it listens on.
  const std::string& address() const { return address_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, std::string address);

  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string address_;
};

}  // namespace cp::server
