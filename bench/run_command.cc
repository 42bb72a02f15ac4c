#include "bench/run_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bench_ids.h"
#include "bench/closed_loop.h"
#include "bench/cpu_meter.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace cp::bench {
namespace {

constexpr absl::Duration kConnectTimeout = absl::Seconds(10);

// Connect opens `count` channels, each with its own connection, and waits
// until all are connected.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> Connect(const std::string& target,
                                                                    int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  auto deadline = std::chrono::system_clock::now() + absl::ToChronoNanoseconds(kConnectTimeout);
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Without a local pool, channels to one target share one connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", target, " within ",
                                                 absl::FormatDuration(kConnectTimeout)));
    }
    channels.push_back(std::move(channel));
  }
  return channels;
}

absl::StatusOr<std::vector<std::string>> KnownIds(const RunOptions& options) {
  if (!options.ids_file.empty()) return ReadIdsFile(options.ids_file);
  if (options.count <= 0) {
    return absl::InvalidArgumentError("get and update need --ids-file or --count > 0");
  }
  return MakeBenchIds(options.id_prefix, options.count);
}

// MeasureOne runs one RPC and prints its results; true when it passed.
bool MeasureOne(const RunOptions& options, Rpc rpc,
                const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                const std::vector<std::string>& ids, const std::string& run_tag) {
  OperationOptions operation_options{rpc,     options.update_mode, &ids,
                                     run_tag, options.batch_size,  options.big_profile};
  std::vector<std::unique_ptr<Operation>> operations;
  for (int slot = 0; slot < options.concurrency; ++slot) {
    operations.push_back(MakeOperation(operation_options, channels[slot % channels.size()], slot));
  }
  CpuMeter meter(options.server_pid, options.database_pid);
  CpuSample cpu_begin;
  CpuSample cpu_end;
  ClosedLoopOptions loop_options{options.warmup, options.duration, options.timeout,
                                 [&] { cpu_begin = meter.Sample(); },
                                 [&] { cpu_end = meter.Sample(); }};
  ClosedLoopResult result = RunClosedLoop(loop_options, std::move(operations));

  const CallStats& stats = result.stats;
  bool etag_update = rpc == Rpc::kUpdate && options.update_mode == UpdateMode::kEtag;
  int64_t ok = stats.count(grpc::StatusCode::OK);
  int64_t aborted = etag_update ? stats.count(grpc::StatusCode::ABORTED) : 0;
  int64_t errors = stats.total() - ok - aborted;
  double seconds = absl::ToDoubleSeconds(result.window);
  double qps = static_cast<double>(ok) / seconds;
  LatencySummary latency = SummarizeLatency(stats);
  std::string codes = FormatCodes(stats, /*skip_ok=*/false);

  double calls = static_cast<double>(std::max<int64_t>(stats.total(), 1));
  auto per_call = [&](int pid, double cpu) {
    return pid > 0 ? absl::StrFormat("%.1f", cpu / calls * 1e6) : std::string("-");
  };
  double client_cpu = cpu_end.self - cpu_begin.self;
  double server_cpu = cpu_end.server - cpu_begin.server;
  double database_cpu = cpu_end.database - cpu_begin.database;
  std::string client_cpu_us = per_call(1, client_cpu);
  std::string server_cpu_us = per_call(options.server_pid, server_cpu);
  std::string database_cpu_us = per_call(options.database_pid, database_cpu);
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  double other_cpu = cpu_end.machine - cpu_begin.machine - client_cpu - server_cpu - database_cpu;
  double other_cpu_pct = std::max(0.0, 100 * other_cpu / (seconds * cpus));
  double steal_pct = std::max(0.0, 100 * (cpu_end.steal - cpu_begin.steal) / (seconds * cpus));

  std::string label = RpcName(rpc);
  if (rpc == Rpc::kUpdate) absl::StrAppend(&label, " (", UpdateModeName(options.update_mode), ")");
  std::printf("%s: %d in flight over %zu channel(s), %.1f s measured after %.1f s warm-up\n",
              label.c_str(), options.concurrency, channels.size(), seconds,
              absl::ToDoubleSeconds(options.warmup));
  std::printf("  %-8s %10.1f OK/s  (%lld OK, %lld aborted, %lld errors)\n", "rate", qps,
              static_cast<long long>(ok), static_cast<long long>(aborted),
              static_cast<long long>(errors));
  std::printf("  %-8s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms (OK calls)\n", "latency",
              latency.p50_ms, latency.p90_ms, latency.p99_ms, latency.max_ms);
  std::printf("  %-8s %s\n", "codes", codes.c_str());
  std::printf(
      "  %-8s client %s, server %s, database %s us/call; others used %.0f%% of %u CPUs, the "
      "hypervisor stole %.0f%%\n",
      "cpu", client_cpu_us.c_str(), server_cpu_us.c_str(), database_cpu_us.c_str(), other_cpu_pct,
      cpus, steal_pct);
  std::printf(
      "RESULT rpc=%s mode=%s concurrency=%d channels=%zu duration_s=%.2f qps=%.1f p50_ms=%.3f "
      "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f ok=%lld aborted=%lld errors=%lld codes=%s "
      "client_cpu_us=%s server_cpu_us=%s db_cpu_us=%s other_cpu_pct=%.0f batch=%d "
      "checks_per_s=%.0f steal_pct=%.0f\n",
      RpcName(rpc), rpc == Rpc::kUpdate ? UpdateModeName(options.update_mode) : "-",
      options.concurrency, channels.size(), seconds, qps, latency.p50_ms, latency.p90_ms,
      latency.p99_ms, latency.max_ms, static_cast<long long>(ok), static_cast<long long>(aborted),
      static_cast<long long>(errors), codes.c_str(), client_cpu_us.c_str(), server_cpu_us.c_str(),
      database_cpu_us.c_str(), other_cpu_pct, rpc == Rpc::kBatchCheck ? options.batch_size : 1,
      rpc == Rpc::kBatchCheck ? qps * options.batch_size : qps, steal_pct);
  std::fflush(stdout);

  if (stats.total() == 0) {
    std::fprintf(stderr, "profile-bench: %s completed no call\n", RpcName(rpc));
    return false;
  }
  double error_rate = static_cast<double>(errors) / static_cast<double>(stats.total());
  if (error_rate > options.max_error_rate) {
    std::fprintf(stderr, "profile-bench: %s failed %.2f%% of its calls (limit %.2f%%)\n",
                 RpcName(rpc), 100 * error_rate, 100 * options.max_error_rate);
    return false;
  }
  return true;
}

}  // namespace

int RunCommand(const RunOptions& options) {
  if (options.target.empty() || options.rpcs.empty() || options.concurrency < 1 ||
      options.channels < 1 || options.duration <= absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "profile-bench run: needs --target, --rpc, --concurrency >= 1, --channels >= 1 "
                 "and a positive --duration\n");
    return 2;
  }
  std::vector<std::string> ids;
  for (Rpc rpc : options.rpcs) {
    // Every operation but these works on known profiles.
    if (rpc != Rpc::kHealth && rpc != Rpc::kCreate && ids.empty()) {
      auto known = KnownIds(options);
      if (!known.ok()) {
        std::fprintf(stderr, "profile-bench run: %s\n", known.status().ToString().c_str());
        return 2;
      }
      ids = *std::move(known);
    }
  }
  auto channels = Connect(options.target, std::min(options.channels, options.concurrency));
  if (!channels.ok()) {
    std::fprintf(stderr, "profile-bench run: %s\n", channels.status().ToString().c_str());
    return 2;
  }
  absl::BitGen gen;
  std::string run_tag = absl::StrFormat("run%08x", absl::Uniform<uint32_t>(gen));

  bool passed = true;
  for (Rpc rpc : options.rpcs) {
    passed = MeasureOne(options, rpc, *channels, ids, run_tag) && passed;
  }
  return passed ? 0 : 1;
}

}  // namespace cp::bench
