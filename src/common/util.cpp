#include "common/util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

namespace sparkplane {
namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32)};
  return rng;
}

}  // namespace

std::string RandomHex(int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n, '0');
  uint64_t bits = 0;
  for (int i = 0; i < n; ++i) {
    if (i % 16 == 0) bits = Rng()();  // 16 hex digits per draw
    out[i] = kHex[bits & 15];
    bits >>= 4;
  }
  return out;
}

std::string NewUuid4() {
  std::string hex = RandomHex(32);
  hex[12] = '4';
  hex[16] = "89ab"[Rng()() & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatIsoMillis(int64_t epoch_millis) {
  std::time_t secs = static_cast<std::time_t>(epoch_millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, epoch_millis % 1000);
}

Result<int64_t> ParseIsoMillis(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  std::string s(text);
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.pop_back();
  char tail[32] = {0};
  int n = std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%31s", &year, &month, &day, &hour,
                      &minute, &second, tail);
  if (n < 3 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not a date-time; use e.g. 2021-11-22T00:00:00Z", text));
  }
  if (tail[0] == '.') {
    std::string frac = std::string(tail + 1).substr(0, 3);
    while (frac.size() < 3) frac += '0';
    millis = std::atoi(frac.c_str());
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data, int mode) {
  std::string tmp = path.string() + ".tmp-" + RandomHex(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Fail(ErrorCode::kIo, fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", tmp, std::strerror(e)));
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Fail(ErrorCode::kIo, fmt::format("cannot flush {}", tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Fail(ErrorCode::kIo, fmt::format("cannot rename to {}: {}", path.string(), std::strerror(e)));
  }
  return Ok();
}

bool IsK8sName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  // Dot-separated labels; each [a-z0-9]([-a-z0-9]*[a-z0-9])?
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty()) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(label.front()) || !alnum(label.back())) return false;
    for (char c : label)
      if (!alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace sparkplane
