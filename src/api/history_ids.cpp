#include "api/history_ids.hpp"

#include <boost/json.hpp>

namespace sparkplane::api {

std::string WithSparkAppId(const std::string& path, store::Store& store) {
  constexpr std::string_view kApplications = "/applications/";
  if (!path.starts_with(kApplications)) return path;
  size_t start = kApplications.size();
  size_t end = path.find('/', start);
  std::string id = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (id.empty()) return path;
  auto app = store.GetApp(id);
  if (!app) return path;
  boost::json::error_code ec;
  auto metrics = boost::json::parse(app->metrics_json, ec);
  if (ec || !metrics.is_object()) return path;
  auto* spark_id = metrics.as_object().if_contains("sparkAppId");
  if (!spark_id || !spark_id->is_string() || spark_id->get_string().empty()) return path;
  std::string rest = end == std::string::npos ? "" : path.substr(end);
  return std::string(kApplications) + std::string(spark_id->get_string()) + rest;
}

}  // namespace sparkplane::api
