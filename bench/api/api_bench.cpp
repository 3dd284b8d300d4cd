// Control-plane benchmarks over real HTTP (not tests; results go to docs/bench/api.md):
//   accept  — submissions/s with launching paused (target ≥ 2,000/s on SQLite), with clients on
//             a new connection per request and on kept-alive connections
//   list    — p50/p99 of "20 of 100,000 apps with a filter" (target p99 < 10 ms)
// Usage: api_bench [--store postgresql://…] [--apps 100000] [--submissions 20000] [--threads 8]
//                  [--http-threads N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/server.hpp"
#include "common/util.hpp"
#include "net/http.hpp"
#include "store/store.hpp"

using namespace sparkplane;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  std::string store_url;
  int apps = 100000, submissions = 20000, threads = 8, http_threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--store") store_url = argv[i + 1];
    if (flag == "--apps") apps = std::atoi(argv[i + 1]);
    if (flag == "--submissions") submissions = std::atoi(argv[i + 1]);
    if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    if (flag == "--http-threads") http_threads = std::atoi(argv[i + 1]);
  }
  spdlog::set_level(spdlog::level::warn);
  fs::path data = fs::temp_directory_path() / ("sp-bench-" + RandomHex(8));
  api::ServeOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = data;
  options.store_url = store_url;
  options.launching_paused = true;
  options.http_threads = http_threads;
  auto server = api::Server::Start(options);
  if (!server) {
    std::fprintf(stderr, "cannot start: %s\n", server.error().message.c_str());
    return 1;
  }
  std::string token = ReadFile(data / "admin-token").value();
  token.pop_back();
  std::string base = fmt::format("http://127.0.0.1:{}/ocean/spark/cluster/{}", (*server)->port(), (*server)->cluster_id());
  std::string main_file = fs::absolute(fs::path(SPARKPLANE_SOURCE_DIR) / "examples/python/pi.py").string();
  // 1. Acceptance: concurrent clients, each on a kept-alive connection or a new one per request.
  std::atomic<int> ok{0};
  auto accept = [&](bool keep_alive) {
    std::atomic<int> next{0}, accepted{0};
    auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        net::HttpClient client;
        for (int i; (i = next++) < submissions;) {
          std::string body = fmt::format(R"({{"jobId":"job-{}","configOverrides":{{"mainApplicationFile":"{}"}}}})",
                                         i % 50, main_file);
          net::ClientRequest req{"POST", base + "/app", {{"Authorization", "Bearer " + token}}, body, 30, {}};
          auto res = keep_alive ? client.Send(req) : net::Fetch(req);
          accepted += res && res->status == 200;
        }
      });
    }
    for (auto& t : pool) t.join();
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    double rate = accepted / seconds;
    std::printf("accept (%s): %d submissions (%d ok) in %.2f s = %.0f apps/s (target 2000/s: ratio %.2f)\n",
                keep_alive ? "keep-alive clients" : "new connection per request", submissions, accepted.load(),
                seconds, rate, rate / 2000.0);
    ok += accepted;
  };
  accept(false);
  accept(true);

  // 2. Listing: fill up to `apps` through the store directly (fast), then time filtered pages.
  (*server)->Stop();
  {
    auto store = store_url.empty() ? store::OpenSqliteStore((data / "sparkplane.db").string())
                                   : store::OpenPostgresStore(store_url);
    const char* states[] = {"COMPLETED", "FAILED", "RUNNING", "KILLED"};
    int64_t now = NowMillis();
    for (int i = ok; i < apps; ++i) {
      store::AppRecord a;
      a.id = fmt::format("filler-{:06}", i);
      a.internal_id = NewUuid4();
      a.cluster_id = (*store)->ListClusters().value()[0].id;
      a.job_id = fmt::format("job-{}", i % 50);
      a.display_name = a.id;
      a.state = *store::ParseAppState(states[i % 4]);
      a.created_at = a.updated_at = now - (apps - i) * 1000LL;
      a.request_json = a.config_json = a.config_sources_json = "{}";
      a.app_dir = (data / "apps" / a.id).string();
      if (!(*store)->InsertApp(a)) return 1;
    }
  }
  server = api::Server::Start(options);
  base = fmt::format("http://127.0.0.1:{}/ocean/spark/cluster/{}", (*server)->port(), (*server)->cluster_id());
  std::vector<double> ms;
  for (int i = 0; i < 1000; ++i) {
    std::string url = base + fmt::format("/app?pageSize=20&state=COMPLETED&jobId=job-{}", (i * 4) % 50);
    auto start = Clock::now();
    auto res = net::Fetch({"GET", url, {{"Authorization", "Bearer " + token}}, "", 30, {}});
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!res || res->status != 200) {
      std::fprintf(stderr, "list failed\n");
      return 1;
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf("list: 20 of %d apps with state+job filters over HTTP: p50 %.2f ms, p99 %.2f ms (target p99 10 ms: ratio %.2f)\n",
              apps, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms[ms.size() * 99 / 100] / 10.0);
  (*server)->Stop();
  fs::remove_all(data);
  return 0;
}
