#include "eventlog/catalog.hpp"

#include <algorithm>
#include <fstream>
#include <thread>

namespace sparkplane::eventlog {
namespace {

// Feeds only the lines the listing needs into a builder; others are skipped unparsed.
class ListingSink final : public LineSink {
 public:
  void OnLine(std::string_view line) override {
    constexpr std::string_view kPrefixes[] = {"{\"Event\":\"SparkListenerApplicationStart\"",
                                              "{\"Event\":\"SparkListenerApplicationEnd\"",
                                              "{\"Event\":\"SparkListenerLogStart\""};
    for (auto p : kPrefixes) {
      if (line.starts_with(p)) {
        builder.OnLine(line);
        return;
      }
    }
    // Lines written by other tools may not put "Event" first; let the parser decide.
    if (!line.starts_with("{\"Event\":")) builder.OnLine(line);
  }
  AppBuilder builder;
};

constexpr uint64_t kListingWindow = 1 << 20;

// Feeds the complete lines of [offset, offset + length) of a plain file to `sink`; with
// `skip_first`, the first (probably partial) line is dropped.
void ReadWindow(const std::filesystem::path& path, uint64_t offset, uint64_t length,
                bool skip_first, LineSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  in.seekg(static_cast<std::streamoff>(offset));
  std::string buf(length, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(length));
  buf.resize(static_cast<size_t>(in.gcount()));
  size_t pos = 0;
  if (skip_first) {
    size_t nl = buf.find('\n');
    pos = nl == std::string::npos ? buf.size() : nl + 1;
  }
  buf.reserve(buf.size() + kLinePadding);
  while (pos < buf.size()) {
    size_t nl = buf.find('\n', pos);
    if (nl == std::string::npos) break;  // partial last line of the window
    if (nl > pos) sink.OnLine(std::string_view(buf).substr(pos, nl - pos));
    pos = nl + 1;
  }
}

AttemptSummary SummaryFrom(const AppModel& m, const LogLayout& layout) {
  AttemptSummary s;
  s.app_id = m.app_id;
  s.app_name = m.app_name;
  s.attempt_id = m.attempt_id;
  s.user = m.user;
  s.spark_version = m.spark_version;
  s.start_time = m.start_time;
  s.completed = !layout.in_progress;
  s.end_time = s.completed ? (m.ended ? m.end_time : m.last_event_time) : -1;
  s.last_updated = layout.last_modified_ms;
  s.log = layout.root;
  return s;
}

}  // namespace

AppLog::AppLog(std::filesystem::path log, BuilderOptions options)
    : path_(std::move(log)), options_(options) {}

namespace {
// Logs served by the catalogue are parsed by up to four threads, one per core: a single thread
// applies the parsed chunks in order, so more would mostly wait for it.
BuilderOptions CatalogOptions() {
  BuilderOptions o;
  o.parse_threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  return o;
}
}  // namespace

Status AppLog::CatchUpLocked() {
  if (!reader_) {
    reader_ = std::make_unique<LogReader>(path_);
    builder_ = std::make_unique<AppBuilder>(options_);
  }
  if (complete_) return Ok();
  if (auto st = reader_->Poll(*builder_); !st) return st;
  complete_ = !reader_->layout().in_progress;
  if (complete_) {
    builder_->ReleaseParser();
    reader_->ReleaseBuffers();
  }
  return Ok();
}

Status AppLog::With(const std::function<void(const AppModel&, const LogLayout&)>& fn) {
  std::lock_guard lock(mu_);
  if (auto st = CatchUpLocked(); !st) return st;
  fn(builder_->model(), reader_->layout());
  return Ok();
}

uint64_t AppLog::decoded_bytes() {
  std::lock_guard lock(mu_);
  return reader_ ? reader_->stats().decoded_bytes : 0;
}

ReadStats AppLog::read_stats() {
  std::lock_guard lock(mu_);
  return reader_ ? reader_->stats() : ReadStats{};
}

Result<AttemptSummary> AppLog::Summary() {
  std::lock_guard lock(mu_);
  if (builder_) {
    if (auto st = CatchUpLocked(); !st) return tl::unexpected(st.error());
    return SummaryFrom(builder_->model(), reader_->layout());
  }
  auto layout = ResolveLog(path_);
  if (!layout) return tl::unexpected(layout.error());
  if (summary_ && summary_bytes_ == layout->total_bytes &&
      summary_mtime_ == layout->last_modified_ms) {
    return *summary_;
  }
  // Big uncompressed single files: like Spark, only the head (start, version) and the tail
  // (end) are read. Everything else is read whole; only listing lines are parsed.
  auto sink = std::make_unique<ListingSink>();
  bool listed = false;
  const LogFile& last = layout->files.back();
  if (!layout->rolling && last.codec == Codec::kNone && last.size > 2 * kListingWindow) {
    ReadWindow(last.path, 0, kListingWindow, /*skip_first=*/false, *sink);
    if (!sink->builder.model().app_id.empty()) {
      if (!layout->in_progress) {
        ReadWindow(last.path, last.size - kListingWindow, kListingWindow, /*skip_first=*/true,
                   *sink);
      }
      listed = true;
    }
  }
  if (!listed) {
    sink = std::make_unique<ListingSink>();
    LogReader reader(path_);
    if (auto st = reader.Poll(*sink); !st) return tl::unexpected(st.error());
  }
  const AppModel& m = sink->builder.model();
  if (m.start_time < 0 && m.app_id.empty()) {
    return Fail(ErrorCode::kCorruption, "event log has no SparkListenerApplicationStart");
  }
  summary_ = SummaryFrom(m, *layout);
  summary_bytes_ = layout->total_bytes;
  summary_mtime_ = layout->last_modified_ms;
  return *summary_;
}

Catalog::Catalog() : options_(CatalogOptions()) {}

void Catalog::AddDirectory(std::filesystem::path dir) {
  std::lock_guard lock(mu_);
  dirs_.push_back(std::move(dir));
}

void Catalog::Register(const std::filesystem::path& log) {
  std::lock_guard lock(mu_);
  auto& slot = registered_[log];
  if (!slot) slot = std::make_shared<AppLog>(log, options_);
}

void Catalog::Register(std::shared_ptr<AppLog> log) {
  std::lock_guard lock(mu_);
  registered_[log->path()] = std::move(log);
}

std::shared_ptr<AppLog> Catalog::GetLocked(const std::filesystem::path& log) {
  auto& slot = logs_[log];
  if (!slot) slot = std::make_shared<AppLog>(log, options_);
  return slot;
}

void Catalog::RescanLocked() {
  std::map<std::filesystem::path, std::shared_ptr<AppLog>> next;
  auto keep = [&](const std::filesystem::path& p) {
    auto it = logs_.find(p);
    next[p] = it != logs_.end() ? it->second : std::make_shared<AppLog>(p, options_);
  };
  for (const auto& dir : dirs_) {
    for (const auto& p : ListLogs(dir)) {
      // A log renamed from x.inprogress to x keeps its model (the reader follows the rename).
      std::string s = p.string();
      auto inprogress = logs_.find(s + ".inprogress");
      if (inprogress != logs_.end() && !next.count(s)) {
        next[s] = inprogress->second;
        continue;
      }
      keep(p);
    }
  }
  for (const auto& [p, log] : registered_) next[p] = log;
  logs_ = std::move(next);
}

std::vector<AttemptSummary> Catalog::List() {
  std::vector<std::shared_ptr<AppLog>> logs;
  {
    std::lock_guard lock(mu_);
    RescanLocked();
    for (auto& [p, log] : logs_) logs.push_back(log);
  }
  std::vector<AttemptSummary> out;
  for (auto& log : logs) {
    auto s = log->Summary();
    if (s && !s->app_id.empty()) out.push_back(std::move(*s));
  }
  return out;
}

std::shared_ptr<AppLog> Catalog::FindByName(std::string_view app_id,
                                            std::optional<std::string_view> attempt) {
  std::string want = SanitizeLogName(app_id);
  if (attempt) want += "_" + SanitizeLogName(*attempt);
  std::lock_guard lock(mu_);
  RescanLocked();
  for (const auto& [path, log] : logs_) {
    if (LogNameOf(path) == want) return log;
  }
  return nullptr;
}

std::shared_ptr<AppLog> Catalog::Find(std::string_view app_id,
                                      std::optional<std::string_view> attempt) {
  auto attempts = List();
  const AttemptSummary* best = nullptr;
  for (const auto& a : attempts) {
    if (a.app_id != app_id) continue;
    if (attempt) {
      if (a.attempt_id && *a.attempt_id == *attempt) best = &a;
      continue;
    }
    if (!best || a.start_time > best->start_time) best = &a;
  }
  if (!best) return nullptr;
  std::lock_guard lock(mu_);
  auto it = logs_.find(best->log);
  if (it != logs_.end()) return it->second;
  // Listed through a renamed path; look up by the listing's root.
  return GetLocked(best->log);
}

}  // namespace sparkplane::eventlog
