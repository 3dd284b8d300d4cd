#include "api/app_json.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/util.hpp"

namespace sparkplane::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kAccountId = "act-00000000";
constexpr int64_t kOrganizationId = 0;

void PutTime(json::object& o, std::string_view key, int64_t millis) {
  if (millis > 0) o[key] = FormatIsoMillis(millis);
}

json::value ParseOr(const std::string& text, json::value fallback) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return fallback;
  return v;
}

}  // namespace

json::object AppToJson(const store::AppRecord& app, AppView view) {
  std::string base = fmt::format("/ocean/spark/cluster/{}/app/{}", app.cluster_id, app.id);
  json::object o{
      {"id", app.id},
      {"internalId", app.internal_id},
      {"displayName", app.display_name},
      {"accountId", kAccountId},
      {"organizationId", kOrganizationId},
      {"userId", app.user_id},
      {"clusterId", app.cluster_id},
      {"controllerClusterId", app.cluster_id},
      {"appState", store::AppStateName(app.state)},
      {"appType", app.app_type},
      {"submissionSource", app.submission_source},
      {"job", {{"id", app.job_id}, {"displayName", app.job_id}}},
      {"cores", app.cores},
      {"liveLog", {{"logsStreamUrl", base + "/log/live"}, {"kubeEventsStreamUrl", base + "/kubeEvent/live"}}},
  };
  PutTime(o, "createdAt", app.created_at);
  PutTime(o, "updatedAt", app.updated_at);
  PutTime(o, "startedAt", app.started_at);
  PutTime(o, "endedAt", app.ended_at);
  PutTime(o, "killRequestedAt", app.kill_requested_at);
  if (!app.config_template_id.empty()) {
    o["configurationTemplate"] = {{"id", app.config_template_id}, {"displayName", app.config_template_id}};
  }
  if (app.exit_code) o["exitCode"] = *app.exit_code;
  json::value issues = ParseOr(app.issues_json, json::array{});
  o["issuesCount"] = issues.is_array() ? issues.as_array().size() : 0;
  if (!app.error_message.empty()) o["errorMessage"] = app.error_message;
  json::value metrics = ParseOr(app.metrics_json, json::object{});
  if (metrics.is_object()) {
    json::object shown;
    if (auto* spark = metrics.as_object().if_contains("spark")) shown["spark"] = *spark;
    o["metrics"] = std::move(shown);
    if (auto* id = metrics.as_object().if_contains("sparkAppId")) o["sparkAppId"] = *id;
  }
  if (view == AppView::kDetailed) {
    o["config"] = ParseOr(app.config_json, json::object{});
    o["configSources"] = ParseOr(app.config_sources_json, json::object{});
  }
  return o;
}

json::object ClusterToJson(const store::ClusterRecord& c) {
  json::object o{{"id", c.id},
                 {"controllerClusterId", c.id},
                 {"oceanClusterId", "o-local"},
                 {"state", c.state},
                 {"region", c.region},
                 {"config", {{"logCollection", {{"collectAppLogs", true}}},
                             {"spark", {{"appNamespaces", json::array{"spark-apps"}}}}}}};
  PutTime(o, "createdAt", c.created_at);
  PutTime(o, "updatedAt", c.updated_at);
  return o;
}

json::object TemplateToJson(const store::TemplateRecord& t) {
  json::object o{{"id", t.id},
                 {"displayName", t.display_name},
                 {"accountId", kAccountId},
                 {"organizationId", kOrganizationId},
                 {"clusterId", t.cluster_id},
                 {"config", ParseOr(t.config_json, json::object{})}};
  PutTime(o, "createdAt", t.created_at);
  PutTime(o, "updatedAt", t.updated_at);
  return o;
}

json::object JobToJson(const store::JobRecord& job, const store::AppRecord* last_app, const json::array* history) {
  json::object o{{"id", job.id},
                 {"displayName", job.display_name},
                 {"accountId", kAccountId},
                 {"organizationId", kOrganizationId},
                 {"clusterId", job.cluster_id},
                 {"controllerClusterId", job.cluster_id}};
  PutTime(o, "createdAt", job.created_at);
  PutTime(o, "updatedAt", job.updated_at);
  if (!job.config_json.empty()) o["config"] = ParseOr(job.config_json, json::object{});
  if (last_app) o["lastApp"] = AppToJson(*last_app, AppView::kListItem);
  if (history) o["history"] = *history;
  return o;
}

}  // namespace sparkplane::api
