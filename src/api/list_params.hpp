// Query parameters of paginated listings (§1.5) → store queries, and the page object reply.
#pragma once

#include <optional>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "net/http.hpp"
#include "store/store.hpp"

namespace sparkplane::api {

// Opaque cursors: base64url of "<key>|<id>".
std::string EncodeCursor(const store::Cursor& cursor);
Result<store::Cursor> DecodeCursor(std::string_view text, std::string_view field);

// Every filter of §1.5; pageSize 1..1000 (default 20); order ASC|DESC (DESC);
// orderBy CREATED_AT|COST_IN_CENTS|DURATION. `cluster_id` from the path wins over clusterId.
Result<store::AppQuery> AppQueryFrom(const net::Request& request, const std::string& cluster_id);
Result<store::JobQuery> JobQueryFrom(const net::Request& request, const std::string& cluster_id);

// Runs a paginated listing: fetches one extra row to learn whether more exist on each side.
// `fetch(query)` returns the rows; `to_json` renders one; `key` gives its cursor.
template <class Query, class Fetch, class Count, class ToJson, class KeyOf>
Result<boost::json::object> Paginate(Query query, Fetch&& fetch, Count&& count, ToJson&& to_json, KeyOf&& key_of) {
  int page_size = query.limit;
  query.limit = page_size + 1;
  auto rows = fetch(query);
  if (!rows) return tl::unexpected(rows.error());
  bool backward = query.before && !query.after;
  bool more_after = backward;                 // we came from a later page
  bool more_before = query.after.has_value();  // we came from an earlier page
  if (static_cast<int>(rows->size()) > page_size) {
    if (backward) {
      rows->erase(rows->begin());
      more_before = true;
    } else {
      rows->pop_back();
      more_after = true;
    }
  }
  auto total = count(query);
  if (!total) return tl::unexpected(total.error());
  boost::json::array page;
  for (auto& row : *rows) page.push_back(to_json(row));
  boost::json::object out{{"total", *total}, {"page", std::move(page)}};
  if (!rows->empty() && more_after) out["after"] = EncodeCursor(key_of(rows->back()));
  if (!rows->empty() && more_before) out["before"] = EncodeCursor(key_of(rows->front()));
  return out;
}

}  // namespace sparkplane::api
