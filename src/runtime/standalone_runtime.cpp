#include "runtime/standalone_runtime.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/spark_submit.hpp"

namespace sparkplane::runtime {
namespace {

class StandaloneRuntime final : public Runtime {
 public:
  StandaloneRuntime(StandaloneRuntimeOptions options, std::unique_ptr<WorkerFleet> fleet)
      : options_(std::move(options)), drivers_(options_.drivers), fleet_(std::move(fleet)) {
    if (!options_.external_master) master_ = std::make_unique<EmbeddedMaster>(options_.embedded);
  }
  ~StandaloneRuntime() override { Shutdown(std::chrono::seconds(5)); }

  std::string_view name() const override { return "standalone"; }

  Status Start() override {
    MasterEndpoint endpoint;
    if (master_) {
      auto started = master_->StartOrAdopt();
      if (!started) return tl::unexpected(started.error());
      endpoint = *started;
    } else {
      endpoint = *options_.external_master;
    }
    SPARKPLANE_TRY(fleet_->Start(endpoint));
    std::lock_guard lock(mutex_);
    endpoint_ = endpoint;
    started_ = true;
    return Ok();
  }

  void Shutdown(std::chrono::milliseconds grace) override {
    {
      std::lock_guard lock(mutex_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    drivers_.StopAll(grace);
    fleet_->Shutdown(grace);
    if (master_) master_->Stop(grace);
  }

  Status CheckRunnable(const boost::json::object& config) override {
    auto demand = DemandOf(config);
    if (!demand) return tl::unexpected(demand.error());
    return fleet_->CheckRunnable(*demand);
  }

  std::vector<Admission> Admit(std::span<const AppRequest> pending) override {
    {
      std::lock_guard lock(mutex_);
      if (!started_) return {};
    }
    std::vector<AppAsk> asks;
    std::vector<Admission> unsized;  // bad specs start at once so that Launch reports why
    for (const auto& app : pending) {
      auto demand = DemandOf(*app.config);
      if (!demand) {
        unsized.push_back({app.app_id, 0, ""});
        continue;
      }
      asks.push_back({app.app_id, *demand});
    }
    auto admitted = fleet_->Admit(asks);
    admitted.insert(admitted.end(), unsized.begin(), unsized.end());
    return admitted;
  }

  Result<LaunchedDriver> Launch(const AppRequest& app, const Admission& admission,
                                const std::filesystem::path& app_dir,
                                ExitCallback on_exit) override {
    auto demand = DemandOf(*app.config);
    if (!demand) return tl::unexpected(demand.error());
    LocalSubmitContext context{options_.drivers.spark_home, app_dir, app.app_id, 1};
    auto command = BuildLocalSubmit(*app.config, context);
    if (!command) return tl::unexpected(command.error());
    std::string master;
    {
      std::lock_guard lock(mutex_);
      master = endpoint_.url();
    }
    int executors = std::max(1, admission.executors);
    command->argv = WithMaster(std::move(command->argv), master);
    for (auto& [key, value] : StandaloneProperties(*demand, executors)) {
      command->properties.Set(key, value);
    }
    fleet_->AppStarted(app.app_id, *demand, executors);
    auto handle = drivers_.Start(*command, app_dir, Ended(app.app_id, std::move(on_exit)));
    if (!handle) {
      fleet_->AppEnded(app.app_id);
      return tl::unexpected(handle.error());
    }
    return LaunchedDriver{*handle, demand->driver_cores + executors * demand->executor_cores};
  }

  bool Adopt(const AppRequest& app, const DriverHandle& handle,
             const std::filesystem::path& app_dir, ExitCallback on_exit) override {
    auto demand = DemandOf(*app.config);
    if (demand) fleet_->AppStarted(app.app_id, *demand, demand->executors);
    if (drivers_.Adopt(handle, app_dir, Ended(app.app_id, std::move(on_exit)))) return true;
    fleet_->AppEnded(app.app_id);
    return false;
  }

  void Kill(const DriverHandle& handle, std::chrono::milliseconds grace) override {
    drivers_.Kill(handle, grace);
  }

  Result<Capacity> DescribeCapacity() override {
    auto capacity = fleet_->Describe();
    if (!capacity) return capacity;
    std::lock_guard lock(mutex_);
    capacity->master_url = endpoint_.url();
    return capacity;
  }

 private:
  ExitCallback Ended(const std::string& app_id, ExitCallback on_exit) {
    return [this, app_id, cb = std::move(on_exit)](int code) {
      fleet_->AppEnded(app_id);
      cb(code);
    };
  }

  StandaloneRuntimeOptions options_;
  DriverProcesses drivers_;
  std::unique_ptr<WorkerFleet> fleet_;
  std::unique_ptr<EmbeddedMaster> master_;
  std::mutex mutex_;
  MasterEndpoint endpoint_;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> StandaloneProperties(const AppDemand& demand,
                                                                     int executors) {
  return {{"spark.executor.cores", std::to_string(demand.executor_cores)},
          {"spark.cores.max", std::to_string(demand.executor_cores * executors)},
          {"spark.driver.host", "127.0.0.1"},
          {"spark.driver.bindAddress", "127.0.0.1"}};
}

std::unique_ptr<Runtime> MakeStandaloneRuntime(StandaloneRuntimeOptions options,
                                               std::unique_ptr<WorkerFleet> fleet) {
  return std::make_unique<StandaloneRuntime>(std::move(options), std::move(fleet));
}

}  // namespace sparkplane::runtime
