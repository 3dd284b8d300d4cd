#include "runtime/standalone_master.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "common/util.hpp"
#include "runtime/master_status.hpp"

namespace sparkplane::runtime {
namespace fs = std::filesystem;
namespace json = boost::json;

std::string MasterEndpoint::url() const { return fmt::format("spark://{}:{}", host, port); }
std::string MasterEndpoint::webui_url() const {
  return fmt::format("http://{}:{}", host, webui_port);
}

Result<MasterEndpoint> ParseMasterUrl(const std::string& url, int webui_port) {
  constexpr std::string_view kScheme = "spark://";
  auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--spark-master '{}' must be spark://HOST:PORT", url));
  };
  if (url.rfind(kScheme, 0) != 0) return bad();
  std::string rest = url.substr(kScheme.size());
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad();
  MasterEndpoint endpoint;
  endpoint.host = rest.substr(0, colon);
  std::string port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return bad();
  endpoint.port = std::stoi(port);
  if (endpoint.port <= 0 || endpoint.port > 65535) return bad();
  endpoint.webui_port = webui_port;
  return endpoint;
}

Result<int> FreeLocalPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Fail(ErrorCode::kIo, fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  if (rc == 0) rc = ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int err = errno;
  ::close(fd);
  if (rc != 0)
    return Fail(ErrorCode::kIo, fmt::format("cannot find a free port: {}", std::strerror(err)));
  return static_cast<int>(ntohs(addr.sin_port));
}

EmbeddedMaster::~EmbeddedMaster() { Stop(std::chrono::seconds(5)); }

MasterEndpoint EmbeddedMaster::endpoint() const {
  std::lock_guard lock(mutex_);
  return endpoint_;
}

ProcessInfo EmbeddedMaster::process() const {
  std::lock_guard lock(mutex_);
  return process_;
}

Result<MasterEndpoint> EmbeddedMaster::StartOrAdopt() {
  std::error_code ec;
  fs::create_directories(options_.state_dir, ec);
  if (ec)
    return Fail(ErrorCode::kIo,
                fmt::format("cannot create {}: {}", options_.state_dir.string(), ec.message()));
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    started_ = true;
    auto recorded = ReadFile(options_.state_dir / "master.json");
    bool adopted = false;
    if (recorded) {
      json::error_code parse_error;
      auto doc = json::parse(*recorded, parse_error);
      if (!parse_error && doc.is_object()) {
        auto& o = doc.get_object();
        auto num = [&](std::string_view k) -> int64_t {
          auto* v = o.if_contains(k);
          return v && v->is_int64() ? v->get_int64() : 0;
        };
        endpoint_.port = static_cast<int>(num("port"));
        endpoint_.webui_port = static_cast<int>(num("webui_port"));
        ProcessInfo old{static_cast<pid_t>(num("pid")), num("start_ticks")};
        if (old.pid > 0 && old.start_ticks > 0 && ProcessStartTicks(old.pid) == old.start_ticks) {
          process_ = old;
          supervisor_.Adopt(old.pid, old.start_ticks, {}, [this](int code) { OnExit(code); });
          adopted = true;
          spdlog::info("re-adopted the Spark master {} (pid {})", endpoint_.url(), old.pid);
        }
      }
    }
    if (!adopted) SPARKPLANE_TRY(Spawn());
  }
  SPARKPLANE_TRY(WaitAlive());
  return endpoint();
}

Status EmbeddedMaster::Spawn() {
  for (int* port : {&endpoint_.port, &endpoint_.webui_port}) {
    if (*port > 0) continue;
    auto free = FreeLocalPort();
    if (!free) return tl::unexpected(free.error());
    *port = *free;
  }
  fs::path properties = options_.state_dir / "master.properties";
  SPARKPLANE_TRY(WriteFileAtomic(properties,
                                 "# written by sparkplane: the embedded standalone master\n"
                                 "spark.master.rest.enabled false\n"
                                 "spark.deploy.spreadOut true\n"));
  SpawnRequest request{
      {(options_.spark_home / "bin" / "spark-class").string(),
       "org.apache.spark.deploy.master.Master", "--host", endpoint_.host, "--port",
       std::to_string(endpoint_.port), "--webui-port", std::to_string(endpoint_.webui_port),
       "--properties-file", properties.string()},
      {"SPARK_LOCAL_IP=127.0.0.1", "SPARK_NO_DAEMONIZE=1"},
      options_.state_dir,
      options_.state_dir / "master.log"};
  auto started = supervisor_.Spawn(request, [this](int code) { OnExit(code); });
  if (!started) return tl::unexpected(started.error());
  process_ = *started;
  json::object record{{"pid", started->pid},
                      {"start_ticks", started->start_ticks},
                      {"port", endpoint_.port},
                      {"webui_port", endpoint_.webui_port},
                      {"url", endpoint_.url()}};
  SPARKPLANE_TRY(
      WriteFileAtomic(options_.state_dir / "master.json", json::serialize(record) + "\n"));
  spdlog::info("started the Spark master {} (pid {}, web UI {})", endpoint_.url(), started->pid,
               endpoint_.webui_url());
  return Ok();
}

Status EmbeddedMaster::WaitAlive() {
  auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  std::string last_error;
  while (std::chrono::steady_clock::now() < deadline) {
    MasterEndpoint endpoint;
    {
      std::lock_guard lock(mutex_);
      if (stopping_)
        return Fail(ErrorCode::kUnavailable, "the Spark master was stopped while starting");
      endpoint = endpoint_;
    }
    auto status = FetchMasterStatus(endpoint.webui_url(), 2);
    if (status && status->status == "ALIVE") return Ok();
    last_error = status ? "status " + status->status : status.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Fail(ErrorCode::kUnavailable,
              fmt::format("the Spark master did not come up within {} s ({}); see {}",
                          options_.start_timeout.count(), last_error,
                          (options_.state_dir / "master.log").string()));
}

void EmbeddedMaster::OnExit(int code) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  spdlog::warn("the Spark master exited (code {}); restarting it on {}", code, endpoint_.url());
  // A crash loop must not spin: the restart waits a moment.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  if (stopping_) return;
  if (auto spawned = Spawn(); !spawned) {
    spdlog::error("cannot restart the Spark master: {}", spawned.error().message);
  }
}

void EmbeddedMaster::Stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !started_) return;
    stopping_ = true;
  }
  supervisor_.TerminateAll(grace);
  std::error_code ec;
  fs::remove(options_.state_dir / "master.json", ec);
}

}  // namespace sparkplane::runtime
