// MakeExternalMasterFleet: an existing standalone cluster, read through its master's /json/.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "runtime/master_status.hpp"
#include "runtime/worker_fleet.hpp"

namespace sparkplane::runtime {
namespace {

class ExternalMasterFleet final : public WorkerFleet {
 public:
  Status Start(const MasterEndpoint& master) override {
    auto status = FetchMasterStatus(master.webui_url());
    if (!status) return tl::unexpected(status.error());
    std::lock_guard lock(mutex_);
    master_ = master;
    started_ = true;
    spdlog::info("using the Spark master {} ({} workers)", master.url(), status->workers.size());
    return Ok();
  }
  void Shutdown(std::chrono::milliseconds) override {}

  Status CheckRunnable(const AppDemand& demand) override {
    MasterEndpoint master;
    {
      std::lock_guard lock(mutex_);
      if (!started_) return Ok();
      master = master_;
    }
    auto status = FetchMasterStatus(master.webui_url());
    if (!status) return Ok();  // unknown now; the app waits until the master answers
    int largest_cores = 0;
    int64_t largest_memory = 0;
    for (auto& w : status->workers) {
      if (w.state != "ALIVE") continue;
      largest_cores = std::max(largest_cores, w.cores);
      largest_memory = std::max(largest_memory, w.memory_mib);
    }
    if (largest_cores > 0 &&
        (demand.executor_cores > largest_cores || demand.executor_memory_mib > largest_memory)) {
      return Fail(
          ErrorCode::kInvalidArgument,
          fmt::format("an executor of {} cores and {} MiB fits no worker of {} (the largest "
                      "has {} cores and {} MiB)",
                      demand.executor_cores, demand.executor_memory_mib, master.url(),
                      largest_cores, largest_memory),
          {"executor"});
    }
    return Ok();
  }

  std::vector<Admission> Admit(std::span<const AppAsk> pending) override {
    MasterEndpoint master;
    {
      std::lock_guard lock(mutex_);
      if (!started_ || pending.empty()) return {};
      master = master_;
    }
    auto status = FetchMasterStatus(master.webui_url());
    if (!status) {
      spdlog::warn("{}", status.error().message);
      return {};
    }
    std::vector<std::pair<int, int64_t>> free;  // per alive worker
    for (auto& w : status->workers) {
      if (w.state == "ALIVE")
        free.emplace_back(w.cores - w.cores_used, w.memory_mib - w.memory_used_mib);
    }
    std::lock_guard lock(mutex_);
    // Apps started but whose executors may not have registered yet still claim their room.
    // (for the first kClaimWindow; after that the master's own numbers include them).
    auto now = std::chrono::steady_clock::now();
    for (auto& [id, claim] : starting_) {
      if (now - claim.since < kClaimWindow) Take(free, claim.demand, claim.executors);
    }
    std::vector<Admission> out;
    for (const auto& ask : pending) {
      int fit = Take(free, ask.demand, ask.demand.executors);
      if (fit == 0) break;  // oldest first: a later app does not overtake
      std::string note;
      if (fit < ask.demand.executors) {
        note = fmt::format("started with {} of {} executors: the cluster has room for no more now",
                           fit, ask.demand.executors);
      }
      out.push_back({ask.app_id, fit, note});
    }
    return out;
  }

  void AppStarted(const std::string& app_id, const AppDemand& demand, int executors) override {
    std::lock_guard lock(mutex_);
    starting_[app_id] = {demand, executors, std::chrono::steady_clock::now()};
  }
  void AppEnded(const std::string& app_id) override {
    std::lock_guard lock(mutex_);
    starting_.erase(app_id);
  }

  Result<Capacity> Describe() override {
    MasterEndpoint master;
    {
      std::lock_guard lock(mutex_);
      master = master_;
    }
    auto status = FetchMasterStatus(master.webui_url());
    if (!status) return tl::unexpected(status.error());
    Capacity c;
    for (auto& w : status->workers) {
      if (w.state != "ALIVE") continue;
      ++c.workers;
      c.cores += w.cores;
      c.cores_used += w.cores_used;
      c.memory_mib += w.memory_mib;
      c.memory_used_mib += w.memory_used_mib;
    }
    c.max_cores = c.cores;
    c.max_memory_mib = c.memory_mib;
    return c;
  }

 private:
  // Places up to `count` executors of the demand's shape on the free room; returns how many.
  static int Take(std::vector<std::pair<int, int64_t>>& free, const AppDemand& demand, int count) {
    int placed = 0;
    for (auto& [cores, memory] : free) {
      while (placed < count && cores >= demand.executor_cores &&
             memory >= demand.executor_memory_mib) {
        cores -= demand.executor_cores;
        memory -= demand.executor_memory_mib;
        ++placed;
      }
    }
    return placed;
  }

  std::mutex mutex_;
  MasterEndpoint master_;
  bool started_ = false;
  struct Claim {
    AppDemand demand;
    int executors = 0;
    std::chrono::steady_clock::time_point since;
  };
  static constexpr auto kClaimWindow = std::chrono::seconds(30);
  std::map<std::string, Claim> starting_;
};

}  // namespace

std::unique_ptr<WorkerFleet> MakeExternalMasterFleet() {
  return std::make_unique<ExternalMasterFleet>();
}

}  // namespace sparkplane::runtime
