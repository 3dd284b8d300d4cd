#include "fleet/local_process_fleet.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/util.hpp"
#include "fleet/local_fleet_plan.hpp"
#include "runtime/master_status.hpp"
#include "runtime/process.hpp"

namespace sparkplane::fleet {
namespace fs = std::filesystem;
using runtime::AppDemand;
using store::NodeRecord;

double LocalShapePrice(int cores, int64_t memory_mib) {
  return 0.04 * cores + 0.005 * static_cast<double>(memory_mib) / 1024.0;
}

std::vector<LocalNodeShape> DefaultLocalShapes() {
  std::vector<LocalNodeShape> out;
  for (int cores : {2, 4, 8}) {
    int64_t memory = int64_t{2048} * cores;
    out.push_back({fmt::format("local-{}c{}g", cores, memory / 1024), cores, memory,
                   LocalShapePrice(cores, memory)});
  }
  return out;
}

Result<std::vector<LocalNodeShape>> ParseLocalShapes(std::string_view text) {
  std::vector<LocalNodeShape> out;
  bool more = !text.empty();
  while (more) {
    size_t comma = text.find(',');
    std::string item(text.substr(0, comma));
    more = comma != std::string_view::npos;  // "2c4g," ends with an empty, bad item
    text = more ? text.substr(comma + 1) : std::string_view();
    int cores = 0, gib = 0;
    char c = 0, g = 0;
    int used = 0;
    if (std::sscanf(item.c_str(), "%d%c%d%c%n", &cores, &c, &gib, &g, &used) != 4 || c != 'c' ||
        g != 'g' || used != static_cast<int>(item.size()) || cores <= 0 || gib <= 0 ||
        cores > 1024 || gib > 65536) {
      return Fail(
          ErrorCode::kInvalidArgument,
          fmt::format("--fleet-shapes: '{}' is not a shape like 2c4g (cores c, GiB g)", item));
    }
    int64_t memory = int64_t{1024} * gib;
    out.push_back(
        {fmt::format("local-{}c{}g", cores, gib), cores, memory, LocalShapePrice(cores, memory)});
  }
  if (out.empty())
    return Fail(ErrorCode::kInvalidArgument, "--fleet-shapes: give at least one shape like 2c4g");
  return out;
}

int64_t DefaultLocalMaxCores() {
  return 4 * static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency()));
}

int64_t DefaultLocalMaxMemoryMib() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 8192;
  return static_cast<int64_t>(pages) * page_size / (1 << 20) * 3 / 4;
}

namespace {

std::vector<InstanceType> AsCatalog(const std::vector<LocalNodeShape>& shapes) {
  std::vector<InstanceType> out;
  for (auto& s : shapes) {
    InstanceType t;
    t.name = s.name;
    t.family = "local";
    t.architecture = "amd64";
    t.vcpu = s.cores;
    t.memory_mib = s.memory_mib;
    t.ondemand_usd_per_hour = s.usd_per_hour;
    t.spot_usd_per_hour = s.usd_per_hour;
    t.allocatable = {int64_t{1000} * s.cores, s.memory_mib};
    out.push_back(std::move(t));
  }
  return out;
}

class LocalProcessFleet final : public runtime::WorkerFleet {
 public:
  LocalProcessFleet(store::Store& store, LocalFleetOptions options)
      : store_(store),
        options_(std::move(options)),
        planner_(AsCatalog(options_.shapes),
                 PlanLimits{{options_.max_cores * 1000, options_.max_memory_mib},
                            options_.headroom_cores,
                            options_.idle_ttl.count()}) {
    if (!options_.now_millis) options_.now_millis = [] { return NowMillis(); };
  }
  ~LocalProcessFleet() override { Shutdown(std::chrono::seconds(5)); }

  Status Start(const runtime::MasterEndpoint& master) override {
    auto live = store_.ListNodes(true);
    if (!live) return tl::unexpected(live.error());
    std::lock_guard lock(mutex_);
    master_ = master;
    stopping_ = false;
    for (auto& record : *live) {
      if (nodes_.count(record.id)) continue;
      int shape = ShapeIndex(record.instance_type);
      auto pid = static_cast<pid_t>(record.pid);
      if (shape >= 0 && pid > 0 && runtime::ProcessStartTicks(pid) == record.pid_start_ticks) {
        Node node{record, shape, 0, 0};
        nodes_[record.id] = node;
        supervisor_.Adopt(pid, record.pid_start_ticks, {},
                          [this, id = record.id](int code) { OnWorkerExit(id, code); });
        spdlog::info("re-adopted worker {} (pid {}, {})", record.id, pid, record.state);
        continue;
      }
      End(record, "LOST", "the worker ended while sparkplane was down");
    }
    return Ok();
  }

  void Shutdown(std::chrono::milliseconds grace) override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    supervisor_.TerminateAll(grace);
  }

  Status CheckRunnable(const AppDemand& demand) override { return planner_.CheckRunnable(demand); }

  std::vector<runtime::Admission> Admit(std::span<const runtime::AppAsk> pending) override {
    runtime::MasterEndpoint master;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return {};
      master = master_;
    }
    auto status = runtime::FetchMasterStatus(master.webui_url(), 2);
    if (!status) {
      spdlog::warn("fleet: {}", status.error().message);
      return {};
    }
    std::lock_guard lock(mutex_);
    if (stopping_) return {};
    int64_t now = options_.now_millis();
    Observe(*status, now);
    PlanInput input;
    input.now_ms = now;
    std::map<std::string, Resources> claims;
    for (auto& [id, app] : apps_) {
      int placed = 0;
      for (auto& [node, count] : app.placement) {
        claims[node] += Resources{ExecutorRequest(app.demand).cpu_milli * count,
                                  ExecutorRequest(app.demand).memory_mib * count};
        placed += count;
      }
      int unplaced = app.adopted ? 0 : std::max(0, app.executors - placed);
      input.running.push_back({id, app.demand, unplaced});
    }
    for (auto& [id, node] : nodes_) {
      Resources used = claims[id];
      used.cpu_milli = std::max(used.cpu_milli, node.master_used.cpu_milli);
      used.memory_mib = std::max(used.memory_mib, node.master_used.memory_mib);
      const std::string& state = node.record.state;
      input.nodes.push_back({id, node.shape, state == "READY",
                             state != "READY" && state != "STARTING", used, node.idle_since});
    }
    for (auto& ask : pending) input.pending.push_back({ask.app_id, ask.demand});
    PlanOutput plan = planner_.Plan(input);

    for (auto& [app_id, placement] : plan.replaced) {
      for (auto& [node, count] : placement) apps_[app_id].placement[node] += count;
    }
    for (size_t i = 0; i < plan.launch.size(); ++i)
      StartWorker(plan.launch[i], plan.launch_reasons[i]);
    for (auto& id : plan.decommission) Decommission(id, now);
    std::vector<runtime::Admission> out;
    for (auto& a : plan.admit) {
      admitted_[a.app_id] = a.placement;
      out.push_back({a.app_id, a.executors, a.note});
    }
    if (plan.waiting != last_waiting_) {
      for (auto& w : plan.waiting) spdlog::info("fleet: {}", w);
      last_waiting_ = plan.waiting;
    }
    return out;
  }

  void AppStarted(const std::string& app_id, const AppDemand& demand, int executors) override {
    std::lock_guard lock(mutex_);
    RunningApp app{demand, executors, {}, true};
    if (auto it = admitted_.find(app_id); it != admitted_.end()) {
      app.placement = std::move(it->second);
      app.adopted = false;
      admitted_.erase(it);
    }
    // An app re-adopted after a restart has no plan: the master's numbers show where its
    // executors are, and the fleet does not re-place them.
    apps_[app_id] = std::move(app);
  }

  void AppEnded(const std::string& app_id) override {
    std::lock_guard lock(mutex_);
    apps_.erase(app_id);
    admitted_.erase(app_id);
  }

  Result<runtime::Capacity> Describe() override {
    std::lock_guard lock(mutex_);
    runtime::Capacity c;
    for (auto& [id, node] : nodes_) {
      if (node.record.state != "READY") continue;
      ++c.workers;
      c.cores += node.record.cores;
      c.memory_mib += node.record.memory_mib;
      c.cores_used += node.master_used.cpu_milli / 1000;
      c.memory_used_mib += node.master_used.memory_mib;
    }
    c.max_cores = options_.max_cores;
    c.max_memory_mib = options_.max_memory_mib;
    return c;
  }

 private:
  struct Node {
    NodeRecord record;
    int shape = 0;
    int64_t idle_since = 0;
    int64_t decommission_deadline = 0;
    Resources master_used;
  };
  struct RunningApp {
    AppDemand demand;
    int executors = 0;
    std::map<std::string, int> placement;  // node id → executors
    bool adopted = false;                  // started by an earlier server: no placement
  };

  int ShapeIndex(const std::string& name) const {
    for (size_t i = 0; i < options_.shapes.size(); ++i) {
      if (options_.shapes[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  void Save(const NodeRecord& record) {
    if (auto saved = store_.UpsertNode(record); !saved) {
      spdlog::error("cannot record node {}: {}", record.id, saved.error().message);
    }
  }

  void End(NodeRecord record, std::string_view state, std::string reason) {
    int64_t now = options_.now_millis();
    record.state = std::string(state);
    record.reason = std::move(reason);
    record.ended_at = record.updated_at = now;
    Save(record);
    spdlog::info("worker {} {}: {}", record.id, record.state, record.reason);
  }

  // Folds the master's view into the nodes: registration, use, decommission progress, boot
  // timeouts. mutex_ held.
  void Observe(const runtime::MasterStatus& status, int64_t now) {
    std::map<int, const runtime::MasterWorker*> by_port;
    for (auto& w : status.workers) {
      if (w.state == "ALIVE" || w.state == "DECOMMISSIONED") by_port[w.port] = &w;
    }
    for (auto& [id, node] : nodes_) {
      auto& r = node.record;
      auto found = by_port.find(static_cast<int>(r.port));
      const runtime::MasterWorker* w = found == by_port.end() ? nullptr : found->second;
      node.master_used =
          w ? Resources{int64_t{1000} * w->cores_used, w->memory_used_mib} : Resources{};
      if (r.state == "STARTING") {
        if (w && w->state == "ALIVE") {
          r.state = "READY";
          r.ready_at = r.updated_at = now;
          Save(r);
          spdlog::info("worker {} is ready ({} cores, {} MiB) after {} ms", id, r.cores,
                       r.memory_mib, now - r.created_at);
        } else if (now - r.created_at > options_.boot_timeout.count()) {
          r.reason = fmt::format("did not register with the master within {} s",
                                 options_.boot_timeout.count() / 1000);
          r.state = "FAILED";
          Save(r);
          supervisor_.Terminate(static_cast<pid_t>(r.pid), std::chrono::seconds(5));
        }
      }
      if (r.state == "READY") {
        bool busy = node.master_used.cpu_milli > 0;
        for (auto& [app_id, app] : apps_) busy = busy || app.placement.count(id);
        if (busy) node.idle_since = 0;
        if (!busy && node.idle_since == 0) node.idle_since = now;
      }
      if (r.state == "DECOMMISSIONING") {
        bool drained = !w || (w->state == "DECOMMISSIONED" && w->cores_used == 0);
        if (drained || now >= node.decommission_deadline) {
          supervisor_.Terminate(static_cast<pid_t>(r.pid), std::chrono::seconds(10));
        }
      }
    }
  }

  void StartWorker(int shape_index, std::string_view why) {
    const auto& shape = options_.shapes[shape_index];
    auto port = runtime::FreeLocalPort();
    if (!port) {
      spdlog::error("fleet: cannot start a worker: {}", port.error().message);
      return;
    }
    NodeRecord r;
    r.id = "node-" + RandomHex(8);
    r.node_group = options_.node_group;
    r.instance_type = shape.name;
    r.state = "STARTING";
    r.reason = fmt::format("added for {}", why);
    r.cores = shape.cores;
    r.memory_mib = shape.memory_mib;
    r.price_micro_usd_per_hour = std::llround(shape.usd_per_hour * 1e6);
    r.host = "127.0.0.1";
    r.port = *port;
    r.created_at = r.updated_at = options_.now_millis();
    fs::path dir = options_.state_dir / r.id;
    std::error_code ec;
    fs::create_directories(dir / "work", ec);
    auto props = WriteFileAtomic(dir / "worker.properties",
                                 "# written by sparkplane: one fleet node\n"
                                 "spark.decommission.enabled true\n"
                                 "spark.worker.cleanup.enabled false\n");
    if (ec || !props) {
      spdlog::error("fleet: cannot prepare {}: {}", dir.string(),
                    ec ? ec.message() : props.error().message);
      return;
    }
    runtime::SpawnRequest request{
        {(options_.spark_home / "bin" / "spark-class").string(),
         "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port",
         std::to_string(*port), "--webui-port", "0", "--cores", std::to_string(shape.cores),
         "--memory", fmt::format("{}m", shape.memory_mib), "--work-dir", (dir / "work").string(),
         "--properties-file", (dir / "worker.properties").string(), master_.url()},
        {"SPARK_LOCAL_IP=127.0.0.1", "SPARK_NO_DAEMONIZE=1"},
        dir,
        dir / "worker.log"};
    auto started =
        supervisor_.Spawn(request, [this, id = r.id](int code) { OnWorkerExit(id, code); });
    if (!started) {
      r.state = "FAILED";
      r.reason = started.error().message;
      r.ended_at = r.created_at;
      Save(r);
      return;
    }
    r.pid = started->pid;
    r.pid_start_ticks = started->start_ticks;
    Save(r);
    nodes_[r.id] = Node{r, shape_index, 0, 0, {}};
    spdlog::info("worker {} starting ({}, port {}, pid {}): {}", r.id, shape.name, r.port, r.pid,
                 r.reason);
  }

  void Decommission(const std::string& id, int64_t now) {
    auto it = nodes_.find(id);
    if (it == nodes_.end()) return;
    auto& r = it->second.record;
    r.state = "DECOMMISSIONING";
    r.reason = fmt::format("idle for {} s", (now - it->second.idle_since) / 1000);
    r.updated_at = now;
    it->second.decommission_deadline = now + options_.decommission_timeout.count();
    Save(r);
    // Spark's worker decommissions itself on SIGPWR (spark.decommission.enabled): the master
    // stops placing executors there and running ones migrate their blocks before they exit.
    ::kill(static_cast<pid_t>(r.pid), SIGPWR);
    spdlog::info("worker {} decommissioning: {}", id, r.reason);
  }

  void OnWorkerExit(const std::string& id, int code) {
    std::lock_guard lock(mutex_);
    auto it = nodes_.find(id);
    if (it == nodes_.end()) return;
    NodeRecord record = it->second.record;
    nodes_.erase(it);
    for (auto& [app_id, app] : apps_) app.placement.erase(id);
    if (stopping_) {
      End(record, "REMOVED", "sparkplane stopped");
    } else if (record.state == "DECOMMISSIONING") {
      End(record, "REMOVED", record.reason + "; decommissioned");
    } else if (record.state == "FAILED") {
      End(record, "FAILED", record.reason);
    } else {
      End(record, "LOST",
          code < 0 ? std::string("the worker process ended")
                   : fmt::format("the worker process exited (code {})", code));
    }
  }

  store::Store& store_;
  LocalFleetOptions options_;
  LocalFleetPlanner planner_;
  runtime::ProcessSupervisor supervisor_;
  std::mutex mutex_;
  runtime::MasterEndpoint master_;
  std::map<std::string, Node> nodes_;  // live workers
  std::map<std::string, RunningApp> apps_;
  std::map<std::string, std::map<std::string, int>> admitted_;  // placements until AppStarted
  std::vector<std::string> last_waiting_;
  bool stopping_ = true;  // until Start
};

}  // namespace

std::unique_ptr<runtime::WorkerFleet> MakeLocalProcessFleet(store::Store& store,
                                                            LocalFleetOptions options) {
  return std::make_unique<LocalProcessFleet>(store, std::move(options));
}

}  // namespace sparkplane::fleet
