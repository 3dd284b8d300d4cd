#include "cli/progress.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace sparkplane::cli {
namespace json = boost::json;
namespace {

int64_t IntOf(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

}  // namespace

std::string ProgressLine(const std::string& state, const std::string& duration,
                         const json::value& stages) {
  std::string line = duration == "-" ? state : fmt::format("{} {}", state, duration);
  if (!stages.is_array()) return line;
  int64_t stage_total = 0, stage_done = 0, stage_running = 0, stage_failed = 0;
  int64_t tasks = 0, tasks_done = 0, tasks_running = 0, tasks_failed = 0;
  for (auto& s : stages.as_array()) {
    if (!s.is_object()) continue;
    const json::object& o = s.as_object();
    auto* status_value = o.if_contains("status");
    std::string_view status = status_value && status_value->is_string()
                                  ? std::string_view(status_value->as_string())
                                  : "";
    if (status == "SKIPPED") continue;  // never runs: neither work done nor work to do
    ++stage_total;
    stage_done += status == "COMPLETE";
    stage_running += status == "ACTIVE";
    stage_failed += status == "FAILED";
    tasks += IntOf(o, "numTasks");
    tasks_done += IntOf(o, "numCompleteTasks");
    tasks_running += IntOf(o, "numActiveTasks");
    tasks_failed += IntOf(o, "numFailedTasks");
  }
  if (stage_total == 0) return line;
  auto detail = [](int64_t running, int64_t failed) {
    std::string d;
    if (running > 0) d = fmt::format("{} running", running);
    if (failed > 0) d += fmt::format("{}{} failed", d.empty() ? "" : ", ", failed);
    return d.empty() ? d : " (" + d + ")";
  };
  line += fmt::format(" · stages {}/{}{}", stage_done, stage_total,
                      detail(stage_running, stage_failed));
  line += fmt::format(" · tasks {}/{}{}", tasks_done, tasks, detail(tasks_running, tasks_failed));
  return line;
}

}  // namespace sparkplane::cli
