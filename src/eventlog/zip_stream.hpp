// Streams files as a ZIP archive (stored, no compression), for the /logs endpoint. Sizes and
// CRC-32s are computed first, so the archive is plain ZIP without data descriptors. Files over
// 4 GiB are refused (no ZIP64).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::eventlog {

struct ZipEntry {
  std::string name;              // path inside the archive; ends with '/' for a directory
  std::filesystem::path source;  // empty for directories
};

uint32_t Crc32(uint32_t crc, std::string_view data);

// Returns a chunk source that yields the archive piece by piece (false when done).
Result<std::function<bool(std::string&)>> ZipStream(std::vector<ZipEntry> entries);

}  // namespace sparkplane::eventlog
