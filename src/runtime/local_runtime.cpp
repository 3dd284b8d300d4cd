#include "runtime/local_runtime.hpp"

#include <mutex>
#include <set>

#include "runtime/spark_submit.hpp"

namespace sparkplane::runtime {
namespace {

class LocalRuntime final : public Runtime {
 public:
  explicit LocalRuntime(LocalRuntimeOptions options)
      : options_(std::move(options)), drivers_(options_.drivers) {}
  ~LocalRuntime() override { drivers_.StopAll(std::chrono::milliseconds(0)); }

  std::string_view name() const override { return "local"; }
  Status Start() override { return Ok(); }
  void Shutdown(std::chrono::milliseconds grace) override { drivers_.StopAll(grace); }

  Status CheckRunnable(const boost::json::object&) override { return Ok(); }

  std::vector<Admission> Admit(std::span<const AppRequest> pending) override {
    std::lock_guard lock(mutex_);
    std::vector<Admission> out;
    int free = options_.max_concurrent_apps - static_cast<int>(running_.size());
    for (const auto& app : pending) {
      if (free - static_cast<int>(out.size()) <= 0) break;
      if (running_.count(app.app_id)) continue;
      out.push_back({app.app_id, 1, ""});
    }
    return out;
  }

  Result<LaunchedDriver> Launch(const AppRequest& app, const Admission&,
                                const std::filesystem::path& app_dir,
                                ExitCallback on_exit) override {
    LocalSubmitContext context{options_.drivers.spark_home, app_dir, app.app_id,
                               options_.max_local_cores};
    auto command = BuildLocalSubmit(*app.config, context);
    if (!command) return tl::unexpected(command.error());
    std::lock_guard lock(mutex_);
    auto handle = drivers_.Start(*command, app_dir, Track(app.app_id, std::move(on_exit)));
    if (!handle) {
      running_.erase(app.app_id);
      return tl::unexpected(handle.error());
    }
    return LaunchedDriver{*handle, LocalCores(*app.config, options_.max_local_cores)};
  }

  bool Adopt(const AppRequest& app, const DriverHandle& handle,
             const std::filesystem::path& app_dir, ExitCallback on_exit) override {
    std::lock_guard lock(mutex_);
    if (drivers_.Adopt(handle, app_dir, Track(app.app_id, std::move(on_exit)))) return true;
    running_.erase(app.app_id);
    return false;
  }

  void Kill(const DriverHandle& handle, std::chrono::milliseconds grace) override {
    drivers_.Kill(handle, grace);
  }

  Result<Capacity> DescribeCapacity() override {
    std::lock_guard lock(mutex_);
    Capacity c;
    c.cores = c.max_cores = options_.max_local_cores;
    c.cores_used = static_cast<int64_t>(running_.size());
    return c;
  }

 private:
  // Counts the app as running (mutex_ held) until its driver reports the exit.
  ExitCallback Track(const std::string& app_id, ExitCallback on_exit) {
    running_.insert(app_id);
    return [this, app_id, cb = std::move(on_exit)](int code) {
      {
        std::lock_guard lock(mutex_);
        running_.erase(app_id);
      }
      cb(code);
    };
  }

  LocalRuntimeOptions options_;
  DriverProcesses drivers_;
  std::mutex mutex_;
  std::set<std::string> running_;
};

}  // namespace

std::unique_ptr<Runtime> MakeLocalRuntime(LocalRuntimeOptions options) {
  return std::make_unique<LocalRuntime>(std::move(options));
}

}  // namespace sparkplane::runtime
