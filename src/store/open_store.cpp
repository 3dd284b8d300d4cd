#include <fmt/format.h>

#include "store/store.hpp"

namespace sparkplane::store {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& sqlite_path) {
  if (url.empty()) return OpenSqliteStore(sqlite_path);
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return OpenPostgresStore(url);
  return Fail(
      ErrorCode::kInvalidArgument,
      fmt::format("store '{}' must be a postgresql:// URL (or empty for SQLite in the data folder)",
                  url));
}

}  // namespace sparkplane::store
