// Minimal RAII wrapper over the SQLite C API returning Result. Not thread-safe: callers serialize.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace sparkplane::store {

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  // Bind by 1-based index. Empty optionals and BindNull bind SQL NULL.
  Stmt& Bind(int index, std::string_view value);
  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, std::optional<int64_t> value);
  Stmt& BindNull(int index);

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements without rows.
  Status Run();

  std::string Text(int column) const;
  int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  static Result<Db> Open(const std::string& path);
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db(const Db&) = delete;
  ~Db() { sqlite3_close_v2(db_); }

  Result<Stmt> Prepare(std::string_view sql);
  Status Exec(std::string_view sql);  // one or more statements, no rows
  int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Maps a SQLite result code to an Error (constraint violations → kAlreadyExists).
Error SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace sparkplane::store
