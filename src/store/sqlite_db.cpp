#include "store/sqlite_db.hpp"

#include <fmt/format.h>

namespace sparkplane::store {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: code = ErrorCode::kAlreadyExists; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: code = ErrorCode::kUnavailable; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: code = ErrorCode::kCorruption; break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY: code = ErrorCode::kIo; break;
    default: break;
  }
  return Error{code, fmt::format("sqlite {}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)), {}};
}

Stmt::~Stmt() {
  if (!stmt_) return;
  if (cached_in_use_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *cached_in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Stmt& Stmt::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Stmt& Stmt::Bind(int index, std::optional<int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}
Stmt& Stmt::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(SqliteError(db_, rc, "step"));
}

Status Stmt::Run() {
  while (true) {
    auto row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return Ok();
  }
}

std::string Stmt::Text(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, sqlite3_column_bytes(stmt_, column)) : std::string();
}
int64_t Stmt::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Result<Db> Db::Open(const std::string& path) {
  // No global allocation statistics: they put one process-wide mutex on every SQLite malloc.
  // Must precede SQLite's initialisation, which the first open performs.
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* raw = nullptr;
  // Each connection is used by one thread at a time (callers serialize), so no per-call mutex.
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return tl::unexpected(SqliteError(raw, rc, "open " + path));
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Db::~Db() {
  if (cache_) {
    for (auto& [sql, cached] : *cache_) sqlite3_finalize(cached.stmt);
  }
  if (db_) sqlite3_close_v2(db_);
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  auto it = cache_->find(std::string(sql));
  if (it != cache_->end() && !it->second.in_use) {
    it->second.in_use = true;
    return Stmt(db_, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(SqliteError(db_, rc, "prepare"));
  if (it == cache_->end() && cache_->size() < kMaxCached) {
    auto& cached = (*cache_)[std::string(sql)];
    cached = {stmt, true};
    return Stmt(db_, stmt, &cached.in_use);
  }
  return Stmt(db_, stmt);
}

Status Db::Exec(std::string_view sql) {
  if (sql.find(';') == std::string_view::npos) {  // one statement: reuse its prepared form
    auto stmt = Prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    return stmt->Run();
  }
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Error e = SqliteError(nullptr, rc, "exec");
    e.message = "sqlite exec: " + message;
    return tl::unexpected(e);
  }
  return Ok();
}

}  // namespace sparkplane::store
