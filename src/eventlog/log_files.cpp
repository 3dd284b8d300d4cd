#include "eventlog/log_files.hpp"

#include <fstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>

namespace sparkplane::eventlog {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kInProgress = ".inprogress";
constexpr std::string_view kCompact = ".compact";
constexpr std::string_view kRollingPrefix = "eventlog_v2_";
constexpr size_t kMaxErrors = 16;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int64_t MtimeMillis(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

struct ParsedName {
  std::string base;
  Codec codec = Codec::kNone;
  bool in_progress = false;
  bool compact = false;
};

// "<base>[.<codec>][.compact][.inprogress]" → parts; the codec is the last dot-suffix.
ParsedName ParseFileName(std::string_view name) {
  ParsedName out;
  if (EndsWith(name, kInProgress)) {
    out.in_progress = true;
    name.remove_suffix(kInProgress.size());
  }
  if (EndsWith(name, kCompact)) {
    out.compact = true;
    name.remove_suffix(kCompact.size());
  }
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) {
    if (auto codec = CodecFromName(name.substr(dot + 1))) {
      out.codec = *codec;
      name = name.substr(0, dot);
    }
  }
  out.base = std::string(name);
  return out;
}

Result<LogLayout> ResolveRolling(const fs::path& dir) {
  LogLayout layout;
  layout.root = dir;
  layout.rolling = true;
  layout.name = dir.filename().string().substr(kRollingPrefix.size());
  struct Numbered {
    uint64_t index;
    LogFile file;
    bool compact;
  };
  std::vector<Numbered> events;
  bool have_status = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string fname = entry.path().filename().string();
    if (fname.starts_with("appstatus_")) {
      have_status = true;
      layout.in_progress = EndsWith(fname, kInProgress);
      continue;
    }
    if (!fname.starts_with("events_")) continue;
    std::string_view rest = std::string_view(fname).substr(7);
    uint64_t n = 0;
    auto [ptr, err] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (err != std::errc() || ptr == rest.data() || *ptr != '_') continue;
    ParsedName parsed = ParseFileName(fname);
    std::error_code size_ec;
    uint64_t size = entry.file_size(size_ec);
    events.push_back({n, LogFile{entry.path(), parsed.codec, size_ec ? 0 : size}, parsed.compact});
  }
  if (ec)
    return Fail(ErrorCode::kIo, fmt::format("cannot list {}: {}", dir.string(), ec.message()));
  if (!have_status) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("rolling event log {} has no appstatus file", dir.string()));
  }
  if (events.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("rolling event log {} has no event files", dir.string()));
  }
  std::sort(events.begin(), events.end(),
            [](const Numbered& a, const Numbered& b) { return a.index < b.index; });
  size_t start = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].compact) start = i;
  }
  for (size_t i = start; i < events.size(); ++i) {
    layout.total_bytes += events[i].file.size;
    layout.last_modified_ms = std::max(layout.last_modified_ms, MtimeMillis(events[i].file.path));
    layout.files.push_back(std::move(events[i].file));
  }
  return layout;
}

}  // namespace

Result<LogLayout> ResolveLog(const fs::path& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return Fail(ErrorCode::kNotFound, fmt::format("event log {} not found", path.string()));
  }
  if (fs::is_directory(status)) {
    if (!path.filename().string().starts_with(kRollingPrefix)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a directory but not an eventlog_v2_ log", path.string()));
    }
    return ResolveRolling(path);
  }
  LogLayout layout;
  layout.root = path;
  ParsedName parsed = ParseFileName(path.filename().string());
  layout.name = parsed.base;
  layout.in_progress = parsed.in_progress;
  uint64_t size = fs::file_size(path, ec);
  layout.files.push_back(LogFile{path, parsed.codec, ec ? 0 : size});
  layout.total_bytes = ec ? 0 : size;
  layout.last_modified_ms = MtimeMillis(path);
  return layout;
}

std::string LogNameOf(const fs::path& path) {
  std::string name = path.filename().string();
  if (name.starts_with(kRollingPrefix)) return name.substr(kRollingPrefix.size());
  return ParseFileName(name).base;
}

std::string SanitizeLogName(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c == ' ' || c == ':' || c == '/')
      c = '-';
    else if (c == '.' || c == '$' || c == '{' || c == '}' || c == '\'' || c == '"')
      c = '_';
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::vector<fs::path> ListLogs(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name[0] == '_' || EndsWith(name, ".tmp")) continue;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      if (name.starts_with(kRollingPrefix)) out.push_back(entry.path());
    } else if (entry.is_regular_file(type_ec)) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool LooksLikeEventLog(const fs::path& candidate) {
  std::string name = candidate.filename().string();
  std::error_code ec;
  if (fs::is_directory(candidate, ec)) return name.starts_with(kRollingPrefix);
  if (ParseFileName(name).codec != Codec::kNone) return true;
  std::ifstream in(candidate, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  std::string_view start(head, static_cast<size_t>(in.gcount()));
  while (!start.empty() && std::isspace(static_cast<unsigned char>(start.front()))) start.remove_prefix(1);
  return start.starts_with("{\"Event\"");
}

std::vector<fs::path> FoldersWithLogs(const fs::path& root, int max_depth) {
  std::vector<fs::path> out;
  std::vector<std::pair<fs::path, int>> todo{{root, 0}};
  while (!todo.empty()) {
    auto [dir, depth] = todo.back();
    todo.pop_back();
    auto logs = ListLogs(dir);
    if (std::any_of(logs.begin(), logs.end(), LooksLikeEventLog)) out.push_back(dir);
    if (depth == max_depth) continue;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      std::error_code type_ec;
      if (name.empty() || name[0] == '.' || name.starts_with(kRollingPrefix) || !entry.is_directory(type_ec)) continue;
      todo.emplace_back(entry.path(), depth + 1);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void SplitText(std::string_view text, std::vector<std::string_view>& lines) {
  const char* pos = text.data();
  const char* end = pos + text.size();
  while (pos < end) {
    const char* nl =
        static_cast<const char*>(std::memchr(pos, '\n', static_cast<size_t>(end - pos)));
    const char* line_end = nl ? nl : end;
    std::string_view line(pos, static_cast<size_t>(line_end - pos));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    pos = line_end + 1;
  }
}

void LineSink::OnText(std::string_view text) {
  std::vector<std::string_view> lines;
  SplitText(text, lines);
  if (!lines.empty()) OnLines(lines);
}

LogReader::LogReader(fs::path path, size_t chunk_bytes)
    : path_(std::move(path)), chunk_bytes_(std::max<size_t>(chunk_bytes, 4096)) {}

LogReader::~LogReader() = default;

void LogReader::AddError(std::string message) {
  if (stats_.errors.size() < kMaxErrors) stats_.errors.push_back(std::move(message));
}

Status LogReader::Refresh() {
  // A finished single-file log is renamed to drop ".inprogress".
  std::error_code ec;
  if (!fs::exists(path_, ec) && EndsWith(path_.string(), kInProgress)) {
    std::string s = path_.string();
    fs::path renamed = s.substr(0, s.size() - kInProgress.size());
    if (fs::exists(renamed, ec)) path_ = renamed;
  }
  auto layout = ResolveLog(path_);
  if (!layout) return tl::unexpected(layout.error());
  if (!layout_.files.empty() && file_index_ < layout_.files.size()) {
    // Keep reading the same file even if the list shifted or the file was renamed.
    const fs::path current = layout_.files[file_index_].path;
    auto current_base = ParseFileName(current.filename().string()).base;
    for (size_t i = 0; i < layout->files.size(); ++i) {
      if (ParseFileName(layout->files[i].path.filename().string()).base == current_base) {
        file_index_ = i;
        break;
      }
    }
  }
  layout_ = std::move(*layout);
  return Ok();
}

Status LogReader::Poll(LineSink& sink) {
  if (auto st = Refresh(); !st) return st;
  while (file_index_ < layout_.files.size()) {
    bool is_last = file_index_ + 1 == layout_.files.size();
    ReadFile(file_index_, is_last, sink);
    if (is_last) break;
    // A finished earlier file of a rolling log: its tail must be complete.
    if (PendingCompressed() > 0 && !file_corrupt_) {
      ++stats_.corrupt_files;
      AddError(fmt::format("{}: truncated final block", layout_.files[file_index_].path.string()));
    }
    SplitLines(sink, /*flush_tail=*/true);
    ++file_index_;
    file_offset_ = 0;
    file_corrupt_ = false;
    ResetDecoders();
  }
  bool complete = !layout_.in_progress;
  if (complete) {
    stats_.truncated_tail = !buffer_.empty() || PendingCompressed() > 0;
    SplitLines(sink, /*flush_tail=*/true);
  } else {
    stats_.truncated_tail = !buffer_.empty();
  }
  return Ok();
}

void LogReader::ReadFile(size_t index, bool /*is_last*/, LineSink& sink) {
  const LogFile& file = layout_.files[index];
  if (file_corrupt_) return;
  if (file.codec == Codec::kZstd) {
    if (!zstd_) zstd_ = std::make_unique<ZstdDirectDecoder>(chunk_bytes_ / 2);
  } else if (!decoder_) {
    decoder_ = MakeDecoder(file.codec);
  }
  int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    AddError(fmt::format("{}: cannot open: {}", file.path.string(), std::strerror(errno)));
    return;
  }
  if (file.codec == Codec::kNone) {
    ReadPlain(fd, file, sink);
  } else {
    ReadCompressed(fd, file, sink);
  }
  ::close(fd);
  SplitLines(sink, /*flush_tail=*/false);
}

void LogReader::ReadPlain(int fd, const LogFile& file, LineSink& sink) {
  if (MapPlain(fd, sink)) return;
  while (true) {
    // Read straight into the line buffer; no copy through a decoder.
    ssize_t n =
        ::pread(fd, buffer_.Extend(chunk_bytes_), chunk_bytes_, static_cast<off_t>(file_offset_));
    if (n > 0) buffer_.Commit(static_cast<size_t>(n));
    if (n <= 0) {
      if (n < 0)
        AddError(fmt::format("{}: read failed: {}", file.path.string(), std::strerror(errno)));
      return;
    }
    stats_.decoded_bytes += static_cast<uint64_t>(n);
    file_offset_ += static_cast<uint64_t>(n);
    stats_.compressed_bytes += static_cast<uint64_t>(n);
    SplitLines(sink, /*flush_tail=*/false);
  }
}

// Hands the file's new bytes to the sink straight from a read-only mapping, one window at a
// time; each window is unmapped once consumed, so resident pages stay near one window. Only
// the last bytes (whose padding would run past the end of the file) and an unfinished last
// line are copied into buffer_, which the caller splits as before. False: not mapped, nothing
// consumed (the caller falls back to reads).
bool LogReader::MapPlain(int fd, LineSink& sink) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return false;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  // The bytes of an unfinished line held back by the last poll are at the end of buffer_;
  // read them again from the mapping instead.
  if (buffer_.size() > file_offset_) return false;
  uint64_t start = file_offset_ - buffer_.size();
  if (size <= start + kLinePadding) return false;  // too little to be worth a mapping
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t map_offset = start / page * page;
  size_t map_length = static_cast<size_t>(size - map_offset);
  void* mapped =
      ::mmap(nullptr, map_length, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(map_offset));
  if (mapped == MAP_FAILED) return false;
  stats_.decoded_bytes += size - file_offset_;
  stats_.compressed_bytes += size - file_offset_;
  buffer_.Clear();
  const char* base = static_cast<const char*>(mapped);
  const char* pos = base + (start - map_offset);
  const char* end = base + map_length;
  // Text whose last line is followed by kLinePadding mapped bytes.
  const char* safe_end = end - kLinePadding;
  const char* unmapped = base;  // [base, unmapped) is already unmapped
  const size_t window = chunk_bytes_ * 8;
  std::future<void> unmapping;
  while (pos < safe_end) {
    const char* limit = pos + std::min<size_t>(window, static_cast<size_t>(safe_end - pos));
    const char* nl = static_cast<const char*>(memrchr(pos, '\n', static_cast<size_t>(limit - pos)));
    if (!nl) {
      // A line longer than the window: take it whole if it ends before safe_end.
      nl =
          static_cast<const char*>(std::memchr(limit, '\n', static_cast<size_t>(safe_end - limit)));
      if (!nl) break;
    }
    sink.OnText(std::string_view(pos, static_cast<size_t>(nl + 1 - pos)));
    pos = nl + 1;
    const char* release = base + static_cast<size_t>(pos - base) / page * page;
    if (release > unmapped) {
      // Unmapping a window takes a few ms; it overlaps the next window's parsing.
      if (unmapping.valid()) unmapping.get();
      unmapping = std::async(
          std::launch::async,
          [from = const_cast<char*>(unmapped), length = static_cast<size_t>(release - unmapped)] {
            ::munmap(from, length);
          });
      unmapped = release;
    }
  }
  if (unmapping.valid()) unmapping.get();
  buffer_.Append(std::string_view(pos, static_cast<size_t>(end - pos)));
  ::munmap(const_cast<char*>(unmapped), static_cast<size_t>(end - unmapped));
  file_offset_ = size;
  return true;
}

void LogReader::ResetDecoders() {
  decoder_.reset();
  zstd_.reset();
  zstd_resume_ = false;
}

void LogReader::ReleaseBuffers() {
  ResetDecoders();
  for (ByteBuffer& chunk : decoded_chunks_) chunk = ByteBuffer{};
  raw_ = std::string{};
  buffer_ = ByteBuffer{};
}

size_t LogReader::PendingCompressed() const {
  if (zstd_) return zstd_->pending_bytes();
  return decoder_ ? decoder_->pending_bytes() : 0;
}

// Block codecs: one compressed read, decoded. zstd: as many reads as fill a segment, decoded in
// place (the chunk before `out` is its history: see ZstdDirectDecoder).
LogReader::DecodedChunk LogReader::DecodeChunk(int fd, uint64_t& offset, ByteBuffer& out,
                                               bool resume) {
  // Compressed reads are small so that decoded chunks (often 10-30x larger) stay near
  // chunk_bytes_ / 2 and their buffers are reused instead of growing.
  const size_t read_bytes = std::max<size_t>(chunk_bytes_ / 64, 64 * 1024);
  DecodedChunk c;
  auto read = [&]() -> std::string_view {
    raw_.resize(read_bytes);
    ssize_t n = ::pread(fd, raw_.data(), read_bytes, static_cast<off_t>(offset));
    if (n <= 0) {
      c.end = true;
      c.read_error = n < 0 ? errno : 0;
      return {};
    }
    offset += static_cast<uint64_t>(n);
    c.compressed += static_cast<uint64_t>(n);
    return {raw_.data(), static_cast<size_t>(n)};
  };
  if (!zstd_) {
    out.Clear();
    std::string_view bytes = read();
    if (!c.end) c.status = decoder_->Feed(bytes, out);
    return c;
  }
  if (resume) {
    c.begin = out.size();
  } else {
    zstd_->Begin(out);
  }
  while (true) {
    auto progress = zstd_->Decode(out);
    if (!progress) {
      c.status = tl::unexpected(progress.error());
      return c;
    }
    if (*progress == ZstdDirectDecoder::Progress::kFull) return c;
    std::string_view bytes = read();
    if (c.end) return c;
    zstd_->AddInput(bytes);
  }
}

// A decode thread reads and decodes up to kDecodeSlots chunks ahead (strictly in order) while
// the calling thread hands decoded chunks to the sink, so decoding overlaps parsing.
void LogReader::ReadCompressed(int fd, const LogFile& file, LineSink& sink) {
  static_assert(ZstdDirectDecoder::kPadding >= kLinePadding);
  std::array<DecodedChunk, kDecodeSlots> chunks;
  std::mutex mu;
  std::condition_variable cv;
  uint64_t produced = 0, consumed = 0;  // chunk counts; slot = (first_slot + count) % kDecodeSlots
  const bool resume = zstd_ && zstd_resume_;
  const uint64_t first_slot = resume ? next_slot_ - 1 : next_slot_;
  bool stop = false;
  std::thread decoder([&, offset = file_offset_]() mutable {
    while (true) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || produced - consumed < kDecodeSlots; });
        if (stop) return;
      }
      // Only this thread changes `produced`.
      const size_t slot = (first_slot + produced) % kDecodeSlots;
      DecodedChunk c;
      try {
        c = DecodeChunk(fd, offset, decoded_chunks_[slot], resume && produced == 0);
      } catch (const std::exception& e) {  // e.g. no memory for a frame's window
        c.status = Fail(ErrorCode::kIo, fmt::format("decoding stopped: {}", e.what()));
      }
      const bool last = c.end || !c.status;
      {
        std::lock_guard lock(mu);
        chunks[slot] = std::move(c);
        ++produced;
      }
      cv.notify_all();
      if (last) return;
    }
  });
  // However the loop below ends (a damaged stream, an exception from the sink), the decode
  // thread is stopped and joined before the buffers it fills go away.
  struct StopAndJoin {
    std::mutex& mu;
    std::condition_variable& cv;
    bool& stop;
    std::thread& thread;
    LogReader& reader;
    uint64_t first_slot;
    const uint64_t& produced;
    bool finished = false;  // the loop below ended normally: every decoded chunk was delivered
    ~StopAndJoin() {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      cv.notify_all();
      thread.join();
      reader.next_slot_ = first_slot + produced;
      reader.zstd_resume_ = reader.zstd_ && produced > 0;
      if (!finished && !reader.file_corrupt_) {
        // The sink threw: the decoder is ahead of what was delivered and cannot go back.
        reader.file_corrupt_ = true;
        reader.zstd_resume_ = false;
        reader.AddError("reading stopped by an error; the rest of the file is skipped");
      }
    }
  } stop_and_join{mu, cv, stop, decoder, *this, first_slot, produced};
  while (true) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return produced > consumed; });
    }
    const size_t slot = (first_slot + consumed) % kDecodeSlots;
    DecodedChunk& c = chunks[slot];
    stats_.decoded_bytes += decoded_chunks_[slot].size() - c.begin;
    file_offset_ += c.compressed;
    stats_.compressed_bytes += c.compressed;
    DeliverDecoded(decoded_chunks_[slot], c.begin, sink);
    if (!c.status) {
      ++stats_.corrupt_files;
      AddError(fmt::format("{}: {}", file.path.string(), c.status.error().message));
      file_corrupt_ = true;
      stop_and_join.finished = true;
      break;
    }
    if (c.end) {
      if (c.read_error != 0) {
        AddError(
            fmt::format("{}: read failed: {}", file.path.string(), std::strerror(c.read_error)));
      }
      stop_and_join.finished = true;
      break;
    }
    {
      std::lock_guard lock(mu);
      ++consumed;
    }
    cv.notify_all();
  }
}

// Only the unfinished line held in buffer_ is completed by a copy (with the chunk's first
// line); the chunk's other whole lines go to the sink from the chunk itself, and its unfinished
// last line is kept in buffer_.
void LogReader::DeliverDecoded(ByteBuffer& decoded, size_t begin, LineSink& sink) {
  decoded.Reserve(kLinePadding);
  std::string_view text = decoded.view().substr(begin);
  size_t first_nl = text.find('\n');
  if (first_nl == std::string_view::npos) {
    buffer_.Append(text);
    return;
  }
  if (!buffer_.empty()) {
    buffer_.Append(text.substr(0, first_nl + 1));
    SplitLines(sink, /*flush_tail=*/false);
    text.remove_prefix(first_nl + 1);
  }
  size_t last_nl = text.rfind('\n');
  if (last_nl != std::string_view::npos) sink.OnText(text.substr(0, last_nl + 1));
  buffer_.Append(text.substr(last_nl + 1));
}

void LogReader::SplitLines(LineSink& sink, bool flush_tail) {
  if (buffer_.empty()) return;
  buffer_.Reserve(kLinePadding);
  std::string_view text = buffer_.view();
  if (!flush_tail) {
    size_t last_nl = text.rfind('\n');
    text = last_nl == std::string_view::npos ? text.substr(0, 0) : text.substr(0, last_nl + 1);
  }
  if (!text.empty()) sink.OnText(text);
  buffer_.Consume(text.size());
}

Result<ReadStats> ReadLog(const fs::path& path, LineSink& sink) {
  LogReader reader(path);
  if (auto st = reader.Poll(sink); !st) return tl::unexpected(st.error());
  return reader.stats();
}

}  // namespace sparkplane::eventlog
