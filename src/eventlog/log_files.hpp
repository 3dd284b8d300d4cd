// Event-log layouts on disk (single file or rolling eventlog_v2_ directory) and an incremental
// line reader over a log's decoded bytes that follows a growing (.inprogress) log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "eventlog/codec.hpp"
#include "eventlog/zstd_direct.hpp"

namespace sparkplane::eventlog {

struct LogFile {
  std::filesystem::path path;
  Codec codec = Codec::kNone;
  uint64_t size = 0;
};

struct LogLayout {
  std::filesystem::path root;  // the single file, or the eventlog_v2_ directory
  std::string name;            // sanitized app[_attempt] name, without codec/.inprogress suffixes
  bool rolling = false;
  bool in_progress = false;    // .inprogress file, or rolling dir whose appstatus marker says so
  std::vector<LogFile> files;  // in replay order (rolling: from the last .compact file on)
  int64_t last_modified_ms = 0;
  uint64_t total_bytes = 0;  // on-disk (compressed) bytes of `files`
};

// Resolves a single-file log or an eventlog_v2_ directory. Rolling directories without an
// appstatus marker or without event files are refused (kFailedPrecondition), like Spark.
Result<LogLayout> ResolveLog(const std::filesystem::path& path);

// The sanitized app[_attempt] name a log file or eventlog_v2_ directory stands for.
std::string LogNameOf(const std::filesystem::path& path);
// Spark's file-name form of an app or attempt id: [ :/] → '-', [.${}'"] → '_', lower case.
std::string SanitizeLogName(std::string_view id);

// Event-log candidates directly under `dir` (files and eventlog_v2_ directories), sorted by name.
// Hidden files and Spark's own temporary files are skipped.
std::vector<std::filesystem::path> ListLogs(const std::filesystem::path& dir);

// Whether a candidate of ListLogs is an event log by its name or first bytes: an eventlog_v2_
// directory, a file named with a Spark codec suffix, or a file that starts {"Event": (Spark's
// first line is always an event). A database or token file beside the logs is not.
bool LooksLikeEventLog(const std::filesystem::path& candidate);

// `root` and the folders below it (at most `max_depth` levels, hidden ones skipped, eventlog_v2_
// directories not entered) that hold at least one event log, sorted; e.g. a sparkplane data
// folder gives each apps/<id>/eventlog.
std::vector<std::filesystem::path> FoldersWithLogs(const std::filesystem::path& root, int max_depth = 4);

// Receives complete lines (without '\n'). The bytes after line.end() are readable for at least
// kLinePadding bytes (simdjson's padding), but their content is unspecified.
class LineSink {
 public:
  virtual ~LineSink() = default;
  virtual void OnLine(std::string_view line) = 0;
  // A run of consecutive lines (all padded as above); the default calls OnLine for each.
  virtual void OnLines(const std::vector<std::string_view>& lines) {
    for (auto line : lines) OnLine(line);
  }
  // A run of whole lines straight from the file: every line ends with '\n' except perhaps the
  // last (a complete log's unterminated last line); kLinePadding readable bytes follow
  // text.end(). The default splits it (SplitText) and calls OnLines.
  virtual void OnText(std::string_view text);
};
inline constexpr size_t kLinePadding = 64;

// Appends the non-empty lines of `text` to `lines`, without their '\n' or "\r\n".
void SplitText(std::string_view text, std::vector<std::string_view>& lines);

struct ReadStats {
  uint64_t compressed_bytes = 0;    // on-disk bytes consumed
  uint64_t decoded_bytes = 0;       // uncompressed bytes produced
  uint64_t corrupt_files = 0;       // files whose codec stream was damaged (rest of file skipped)
  bool truncated_tail = false;      // the log ended inside a block or a line
  std::vector<std::string> errors;  // first few error messages, for reports
};

// Reads a log incrementally: each Poll() consumes only bytes appended since the last call
// (and, for rolling logs, files added since). Plain files are mapped (no copy) and handed to
// LineSink::OnText in windows of `chunk_bytes` × 8. Not thread-safe; one reader per log.
class LogReader {
 public:
  explicit LogReader(std::filesystem::path path, size_t chunk_bytes = 4u << 20);
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Delivers every complete new line to `sink`. When the log is complete (not in progress), a
  // final line without '\n' is delivered too. Damaged streams are skipped and counted, not fatal;
  // an error is returned only if the log cannot be found or resolved at all.
  [[nodiscard]] Status Poll(LineSink& sink);

  // Frees the decoder and the decode buffers (megabytes per compressed log) once the log is
  // complete; a later Poll() starts them again and finds nothing new.
  void ReleaseBuffers();

  const ReadStats& stats() const { return stats_; }
  const LogLayout& layout() const { return layout_; }

 private:
  Status Refresh();
  void ReadFile(size_t index, bool is_last, LineSink& sink);
  void ReadPlain(int fd, const LogFile& file, LineSink& sink);
  bool MapPlain(int fd, LineSink& sink);
  void ReadCompressed(int fd, const LogFile& file, LineSink& sink);
  // One decoded chunk, made on the decode thread.
  struct DecodedChunk {
    size_t begin = 0;         // its text starts here in the slot (after text delivered before)
    uint64_t compressed = 0;  // file bytes read for it
    bool end = false;         // the file ended (or a read failed: read_error)
    int read_error = 0;
    Status status;
  };
  DecodedChunk DecodeChunk(int fd, uint64_t& offset, ByteBuffer& out, bool resume);
  size_t PendingCompressed() const;
  void ResetDecoders();  // for the next file, which starts a new stream
  void DeliverDecoded(ByteBuffer& decoded, size_t begin, LineSink& sink);
  void SplitLines(LineSink& sink, bool flush_tail);
  void AddError(std::string message);

  std::filesystem::path path_;
  size_t chunk_bytes_;
  LogLayout layout_;
  size_t file_index_ = 0;
  uint64_t file_offset_ = 0;
  bool file_corrupt_ = false;
  std::unique_ptr<StreamDecoder> decoder_;   // the current file's codec, but zstd
  std::unique_ptr<ZstdDirectDecoder> zstd_;  // for zstd: decodes into decoded_chunks_ in place
  ByteBuffer buffer_;                        // decoded bytes not yet split into lines
  static constexpr size_t kDecodeSlots = 4;
  std::string raw_;                          // a compressed read, on the decode thread
  ByteBuffer decoded_chunks_[kDecodeSlots];  // used in turn; zstd_ reads the last one as history
  uint64_t next_slot_ = 0;  // kept across polls, so the next chunk never overwrites that history
  // zstd: the last chunk of the previous poll ended with the file; the next poll appends to it
  // (starting a new segment there could cut the history a frame refers to).
  bool zstd_resume_ = false;
  ReadStats stats_;
};

// Reads a whole log in one pass (a convenience over LogReader).
Result<ReadStats> ReadLog(const std::filesystem::path& path, LineSink& sink);

}  // namespace sparkplane::eventlog
