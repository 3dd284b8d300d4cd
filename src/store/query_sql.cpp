#include "store/query_sql.hpp"

#include <fmt/format.h>

#include "store/row_readers.hpp"

namespace sparkplane::store {
namespace {

class Builder {
 public:
  explicit Builder(Dialect dialect) : dialect_(dialect) {}

  std::string Param(int64_t value) {
    params_.emplace_back(std::in_place_type<int64_t>, value);
    return Placeholder();
  }
  std::string Param(const std::string& value) {
    params_.emplace_back(std::in_place_type<std::string>, value);
    return Placeholder();
  }
  void Where(std::string condition) { where_ += (where_.empty() ? " WHERE " : " AND ") + condition; }
  const std::string& where() const { return where_; }
  std::vector<SqlParam> TakeParams() { return std::move(params_); }

  // Adds the keyset condition and returns the ORDER BY clause.
  std::string Page(std::string_view key, bool descending, const std::optional<Cursor>& after,
                   const std::optional<Cursor>& before, bool* reversed) {
    *reversed = false;
    if (after) {
      Where(fmt::format("({}, id) {} ({}, {})", key, descending ? "<" : ">", Param(after->key), Param(after->id)));
    }
    if (before) {
      Where(fmt::format("({}, id) {} ({}, {})", key, descending ? ">" : "<", Param(before->key), Param(before->id)));
      if (!after) {
        *reversed = true;
        descending = !descending;
      }
    }
    std::string_view dir = descending ? "DESC" : "ASC";
    return fmt::format(" ORDER BY {} {}, id {}", key, dir, dir);
  }

 private:
  std::string Placeholder() const {
    return fmt::format("{}{}", dialect_ == Dialect::kSqlite ? "?" : "$", params_.size());
  }

  Dialect dialect_;
  std::string where_;
  std::vector<SqlParam> params_;
};

std::string LikePattern(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace

std::string_view AppSortExpression(AppOrderBy order_by) {
  switch (order_by) {
    case AppOrderBy::kCreatedAt: return "created_at";
    case AppOrderBy::kCostInCents: return "cost_cents";
    case AppOrderBy::kDuration:
      return "(CASE WHEN started_at > 0 AND ended_at > 0 THEN ended_at - started_at ELSE 0 END)";
  }
  return "created_at";
}

SqlQuery ListAppsSql(const AppQuery& q, std::string_view columns, Dialect dialect, bool count_only) {
  Builder b(dialect);
  if (!q.cluster_id.empty()) b.Where("cluster_id = " + b.Param(q.cluster_id));
  if (!q.states.empty()) {
    std::string in;
    for (auto s : q.states) in += (in.empty() ? "" : ", ") + b.Param(std::string(AppStateName(s)));
    b.Where("state IN (" + in + ")");
  }
  if (!q.job_id.empty()) b.Where("job_id = " + b.Param(q.job_id));
  if (!q.app_type.empty()) b.Where("app_type = " + b.Param(q.app_type));
  if (!q.submission_source.empty()) b.Where("submission_source = " + b.Param(q.submission_source));
  if (q.user_id) b.Where("user_id = " + b.Param(*q.user_id));
  if (!q.search_term.empty()) {
    std::string like = b.Param(LikePattern(q.search_term));
    // Case-insensitive on both engines (SQLite's LIKE already is for ASCII).
    std::string_view op = dialect == Dialect::kPostgres ? "ILIKE" : "LIKE";
    b.Where(fmt::format("(id {1} {0} ESCAPE '\\' OR display_name {1} {0} ESCAPE '\\' OR job_id {1} {0} ESCAPE '\\')", like, op));
  }
  if (q.min_created_at) b.Where("created_at >= " + b.Param(q.min_created_at));
  if (q.max_created_at) b.Where("created_at <= " + b.Param(q.max_created_at));
  if (q.min_updated_at) b.Where("updated_at >= " + b.Param(q.min_updated_at));
  if (q.max_updated_at) b.Where("updated_at <= " + b.Param(q.max_updated_at));
  SqlQuery out;
  if (count_only) {
    out.sql = "SELECT COUNT(*) FROM apps" + b.where();
  } else {
    std::string order = b.Page(AppSortExpression(q.order_by), q.descending, q.after, q.before, &out.reversed);
    std::string limit = b.Param(static_cast<int64_t>(q.limit));
    out.sql = fmt::format("SELECT {} FROM apps{}{} LIMIT {}", columns, b.where(), order, limit);
  }
  out.params = b.TakeParams();
  return out;
}

SqlQuery ListJobsSql(const JobQuery& q, std::string_view columns, Dialect dialect, bool count_only) {
  Builder b(dialect);
  if (!q.cluster_id.empty()) b.Where("cluster_id = " + b.Param(q.cluster_id));
  if (!q.search_term.empty()) b.Where("id LIKE " + b.Param(LikePattern(q.search_term)) + " ESCAPE '\\'");
  SqlQuery out;
  if (count_only) {
    out.sql = "SELECT COUNT(*) FROM jobs" + b.where();
  } else {
    std::string order = b.Page("created_at", q.descending, q.after, q.before, &out.reversed);
    std::string limit = b.Param(static_cast<int64_t>(q.limit));
    out.sql = fmt::format("SELECT {} FROM jobs{}{} LIMIT {}", columns, b.where(), order, limit);
  }
  out.params = b.TakeParams();
  return out;
}

SqlQuery UpsertNodeSql(const NodeRecord& n, Dialect dialect) {
  char mark = dialect == Dialect::kSqlite ? '?' : '$';
  std::string values, updates;
  std::string_view columns = kNodeColumns;
  int index = 0;
  while (!columns.empty()) {
    size_t comma = columns.find(',');
    std::string_view column = columns.substr(0, comma);
    ++index;
    if (!values.empty()) values += ", ";
    values += fmt::format("{}{}", mark, index);
    if (index > 1) {
      if (!updates.empty()) updates += ", ";
      updates += fmt::format("{0} = excluded.{0}", column);
    }
    if (comma == std::string_view::npos) break;
    columns.remove_prefix(comma + 1);
    while (!columns.empty() && columns.front() == ' ') columns.remove_prefix(1);
  }
  return SqlQuery{
      fmt::format("INSERT INTO nodes ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
                  kNodeColumns, values, updates),
      {n.id, n.node_group, n.instance_type, n.state, n.reason, n.cores, n.memory_mib,
       n.price_micro_usd_per_hour, n.host, n.port, n.pid, n.pid_start_ticks, n.created_at,
       n.ready_at, n.ended_at, n.updated_at}};
}

SqlQuery ListNodesSql(bool live_only, Dialect) {
  return SqlQuery{fmt::format("SELECT {} FROM nodes{} ORDER BY created_at, id", kNodeColumns,
                              live_only ? " WHERE ended_at = 0" : ""),
                  {}};
}

}  // namespace sparkplane::store
