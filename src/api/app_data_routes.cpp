// Routes that feed the console's app page: columnar chart series bucketed on the server, and a
// server-side search of the driver log.
//   GET cluster/{c}/app/{a}/series?width=N       (1..4000 buckets, default 600)
//   GET cluster/{c}/app/{a}/log/search?q=TEXT&limit=N   (case-insensitive; N lines, default 200)
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <fstream>

#include "api/api_handler.hpp"
#include "api/envelope.hpp"
#include "eventlog/catalog.hpp"
#include "eventlog/series.hpp"

namespace sparkplane::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kSeriesKind = "sparkplane:appSeries";
constexpr std::string_view kLogSearchKind = "sparkplane:logSearch";

Result<int> IntQuery(const net::Request& req, std::string_view name, int fallback, int min,
                     int max) {
  auto text = req.Query(name);
  if (!text || text->empty()) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: must be an integer from {} to {}", name, min, max),
                {std::string(name)});
  }
  return value;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

void ApiHandler::AddAppDataRoutes() {
  ocean_.Add(
      "GET", "cluster/{c}/app/{a}/series", [this](const net::Request& req, const PathParams& p) {
        auto width = IntQuery(req, "width", 600, 1, 4000);
        if (!width) return ErrorEnvelope(req, width.error());
        auto app = apps_.Get(p[0], p[1]);
        if (!app) return ErrorEnvelope(req, app.error());
        json::error_code ec;
        json::value metrics = json::parse(app->metrics_json, ec);
        const json::value* spark_id =
            !ec && metrics.is_object() ? metrics.as_object().if_contains("sparkAppId") : nullptr;
        std::shared_ptr<eventlog::AppLog> log;
        if (spark_id && spark_id->is_string())
          log = apps_.catalog()->Find(std::string_view(spark_id->as_string()), std::nullopt);
        if (!log) {
          // Nothing to draw until Spark writes its event log.
          return Envelope(req, kSeriesKind, json::array{json::object{{"available", false}}});
        }
        std::string series;
        bool completed = store::IsTerminal(app->state);
        auto read = log->With([&](const eventlog::AppModel& model, const eventlog::LogLayout&) {
          series = eventlog::AppSeriesJson(eventlog::ComputeAppSeries(model, completed, *width));
        });
        if (!read) return ErrorEnvelope(req, read.error());
        json::value item = json::parse(series, ec);
        if (ec || !item.is_object())
          return ErrorEnvelope(req, {ErrorCode::kInternal, "the series could not be encoded"});
        item.as_object()["available"] = true;
        return Envelope(req, kSeriesKind, json::array{std::move(item)});
      });

  ocean_.Add("GET", "cluster/{c}/app/{a}/log/search",
             [this](const net::Request& req, const PathParams& p) {
               std::string needle = Lower(req.Query("q").value_or(""));
               if (needle.empty() || needle.size() > 256) {
                 return ErrorEnvelope(req, {ErrorCode::kInvalidArgument,
                                            "q: give the text to search for (1 to 256 characters)",
                                            {"q"}});
               }
               auto limit = IntQuery(req, "limit", 200, 1, 10000);
               if (!limit) return ErrorEnvelope(req, limit.error());
               auto path = apps_.DriverLogPath(p[0], p[1]);
               if (!path) return ErrorEnvelope(req, path.error());
               json::array lines;
               int64_t matches = 0, number = 0;
               std::ifstream in(*path, std::ios::binary);
               std::string line;
               while (in && std::getline(in, line)) {
                 ++number;
                 if (Lower(line).find(needle) == std::string::npos) continue;
                 if (++matches <= *limit)
                   lines.push_back(json::object{{"line", number}, {"text", line}});
               }
               json::object item{{"query", req.Query("q").value_or("")},
                                 {"matches", matches},
                                 {"truncated", matches > *limit},
                                 {"lines", std::move(lines)}};
               return Envelope(req, kLogSearchKind, json::array{std::move(item)});
             });
}

}  // namespace sparkplane::api
