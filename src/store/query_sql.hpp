// SQL for filtered, keyset-paginated listings, shared by every backend. Placeholders are
// numbered ("?N" for SQLite, "$N" for PostgreSQL); params[i] binds placeholder i + 1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/store.hpp"

namespace sparkplane::store {

enum class Dialect { kSqlite, kPostgres };

using SqlParam = std::variant<int64_t, std::string>;

struct SqlQuery {
  std::string sql;
  std::vector<SqlParam> params;
  bool reversed = false;  // rows come back in reverse order (a `before` page): flip them
};

// SELECT <columns> FROM apps ... (or SELECT COUNT(*) when count_only).
SqlQuery ListAppsSql(const AppQuery& query, std::string_view columns, Dialect dialect, bool count_only);
SqlQuery ListJobsSql(const JobQuery& query, std::string_view columns, Dialect dialect, bool count_only);

// Inserts the node or replaces every column of the row with its id.
SqlQuery UpsertNodeSql(const NodeRecord& node, Dialect dialect);
// SELECT <kNodeColumns> FROM nodes, oldest first; only nodes that have not ended when live_only.
SqlQuery ListNodesSql(bool live_only, Dialect dialect);

// The SQL expression an AppOrderBy sorts on.
std::string_view AppSortExpression(AppOrderBy order_by);

}  // namespace sparkplane::store
