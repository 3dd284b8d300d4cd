// Small process-wide helpers: ids, clocks, files. Thread-safe unless noted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace sparkplane {

// Random RFC 4122 version-4 UUID, lowercase.
std::string NewUuid4();
// n random lowercase hex digits.
std::string RandomHex(int n);

// Milliseconds since the Unix epoch (wall clock).
int64_t NowMillis();
// ISO 8601 UTC with milliseconds, e.g. "2026-11-24T05:17:22.123Z".
std::string FormatIsoMillis(int64_t epoch_millis);
// Parses "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]" (UTC) into epoch millis.
Result<int64_t> ParseIsoMillis(std::string_view text);

Result<std::string> ReadFile(const std::filesystem::path& path);
// Writes via a temporary file and rename so readers never see a half-written file. The file is
// created with `mode` less the process umask (as open(2) does; serve's umask 077 makes it 0600).
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data, int mode = 0644);

// Kubernetes DNS-subdomain name (Ocean's k8sName pattern), at most 253 characters.
bool IsK8sName(std::string_view s);

}  // namespace sparkplane
