#include "api/list_params.hpp"

#include <charconv>

#include <fmt/format.h>

#include "common/util.hpp"

namespace sparkplane::api {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(kAlphabet, c);
    if (!p || c == '\0') return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

tl::unexpected<Error> Bad(std::string_view field, std::string message) {
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, message), {std::string(field)});
}

Result<int64_t> IntParam(const net::Request& r, std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  auto v = r.Query(name);
  if (!v) return fallback;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size() || out < min || out > max) {
    return Bad(name, fmt::format("must be an integer from {} to {}", min, max));
  }
  return out;
}

Result<int64_t> TimeParam(const net::Request& r, std::string_view name) {
  auto v = r.Query(name);
  if (!v || v->empty()) return 0;
  auto t = ParseIsoMillis(*v);
  if (!t) return Bad(name, t.error().message);
  return *t;
}

Result<std::optional<store::Cursor>> CursorParam(const net::Request& r, std::string_view name) {
  auto v = r.Query(name);
  if (!v || v->empty()) return std::optional<store::Cursor>();
  auto c = DecodeCursor(*v, name);
  if (!c) return tl::unexpected(c.error());
  return std::optional<store::Cursor>(*c);
}

Result<bool> DescendingParam(const net::Request& r) {
  std::string order = r.Query("order").value_or("DESC");
  if (order != "ASC" && order != "DESC") return Bad("order", "must be ASC or DESC");
  return order == "DESC";
}

// order, pageSize, after and before: the paging fields every listing query has.
template <class Query>
Status ReadPage(const net::Request& r, Query& q) {
  auto descending = DescendingParam(r);
  if (!descending) return tl::unexpected(descending.error());
  q.descending = *descending;
  auto size = IntParam(r, "pageSize", 20, 1, 1000);
  if (!size) return tl::unexpected(size.error());
  q.limit = static_cast<int>(*size);
  auto after = CursorParam(r, "after");
  if (!after) return tl::unexpected(after.error());
  auto before = CursorParam(r, "before");
  if (!before) return tl::unexpected(before.error());
  q.after = *after;
  q.before = *before;
  return Ok();
}

}  // namespace

std::string EncodeCursor(const store::Cursor& cursor) {
  return Base64Url(fmt::format("{}|{}", cursor.key, cursor.id));
}

Result<store::Cursor> DecodeCursor(std::string_view text, std::string_view field) {
  auto raw = FromBase64Url(text);
  size_t bar = raw ? raw->find('|') : std::string::npos;
  store::Cursor c;
  if (bar != std::string::npos) {
    auto [end, ec] = std::from_chars(raw->data(), raw->data() + bar, c.key);
    if (ec == std::errc() && end == raw->data() + bar) {
      c.id = raw->substr(bar + 1);
      return c;
    }
  }
  return Bad(field, "is not a cursor returned by this server");
}

Result<store::AppQuery> AppQueryFrom(const net::Request& r, const std::string& cluster_id) {
  store::AppQuery q;
  q.cluster_id = cluster_id.empty() ? r.Query("clusterId").value_or("") : cluster_id;
  if (auto state = r.Query("state"); state && !state->empty()) {
    auto parsed = store::ParseAppState(*state);
    if (!parsed) {
      return Bad("state", "must be one of PENDING, RUNNING, COMPLETED, COMPLETED_WITH_WARNINGS, FAILED, KILLED, TIMED_OUT");
    }
    q.states = {*parsed};
  }
  q.job_id = r.Query("jobId").value_or("");
  q.app_type = r.Query("appType").value_or("");
  q.submission_source = r.Query("submissionSource").value_or("");
  q.search_term = r.Query("searchTerm").value_or("");
  if (q.search_term.size() > 256) return Bad("searchTerm", "must be at most 256 characters");
  if (r.Query("userId")) {
    auto user = IntParam(r, "userId", 0, 0, INT64_MAX);
    if (!user) return tl::unexpected(user.error());
    q.user_id = *user;
  }
  for (auto [name, field] : {std::pair{"minCreatedAt", &q.min_created_at}, {"maxCreatedAt", &q.max_created_at},
                             {"minUpdatedAt", &q.min_updated_at}, {"maxUpdatedAt", &q.max_updated_at}}) {
    auto t = TimeParam(r, name);
    if (!t) return tl::unexpected(t.error());
    *field = *t;
  }
  std::string order_by = r.Query("orderBy").value_or("CREATED_AT");
  if (order_by == "CREATED_AT") {
    q.order_by = store::AppOrderBy::kCreatedAt;
  } else if (order_by == "COST_IN_CENTS") {
    q.order_by = store::AppOrderBy::kCostInCents;
  } else if (order_by == "DURATION") {
    q.order_by = store::AppOrderBy::kDuration;
  } else {
    return Bad("orderBy", "must be CREATED_AT, COST_IN_CENTS or DURATION");
  }
  SPARKPLANE_TRY(ReadPage(r, q));
  return q;
}

Result<store::JobQuery> JobQueryFrom(const net::Request& r, const std::string& cluster_id) {
  store::JobQuery q;
  q.cluster_id = cluster_id.empty() ? r.Query("clusterId").value_or("") : cluster_id;
  q.search_term = r.Query("searchTerm").value_or("");
  SPARKPLANE_TRY(ReadPage(r, q));
  return q;
}

}  // namespace sparkplane::api
