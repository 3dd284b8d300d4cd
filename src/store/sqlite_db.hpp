// Minimal RAII wrapper over the SQLite C API returning Result. Not thread-safe: callers serialize.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/result.hpp"

namespace sparkplane::store {

// A prepared statement. One taken from Db's cache is reset and handed back when destroyed
// (which also ends the read it may hold open); others are finalized.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt, bool* cached_in_use = nullptr)
      : db_(db), stmt_(stmt), cached_in_use_(cached_in_use) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_), cached_in_use_(o.cached_in_use_) {
    o.stmt_ = nullptr;
    o.cached_in_use_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  ~Stmt();

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
  bool* cached_in_use_;
};

class Db {
 public:
  static Result<Db> Open(const std::string& path);
  Db(Db&& o) noexcept : db_(std::exchange(o.db_, nullptr)), cache_(std::move(o.cache_)) {}
  Db(const Db&) = delete;
  ~Db();

  // Prepared once per distinct SQL text and reused (up to kMaxCached texts); a text whose
  // statement is still in use gets a fresh one.
  Result<Stmt> Prepare(std::string_view sql);
  Status Exec(std::string_view sql);  // one or more statements, no rows
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // Copies committed WAL frames into the database file without waiting for readers or writers.
  void CheckpointPassive() { sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr); }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  static constexpr size_t kMaxCached = 128;

  explicit Db(sqlite3* db) : db_(db), cache_(std::make_unique<std::unordered_map<std::string, Cached>>()) {}
  sqlite3* db_;
  // Node-based map behind a pointer: Stmts point at entries, which stay put across moves.
  std::unique_ptr<std::unordered_map<std::string, Cached>> cache_;
};

// Maps a SQLite result code to an Error (constraint violations → kAlreadyExists).
Error SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace sparkplane::store
