#include "api/app_json.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/util.hpp"
#include "control/secrets.hpp"

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

// A stored spec as replies show it: redacted; not an object (damaged) shows as {}.
json::object RedactedSpec(const std::string& text, const Redactor& redactor) {
  json::value v = ParseOr(text, json::object{});
  if (!v.is_object()) return {};
  return control::RedactSpec(v.get_object(), redactor);
}

}  // namespace

json::object AppToJson(const store::AppRecord& app, AppView view, const Redactor& redactor) {
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
  if (!app.error_message.empty()) {
    // It may quote the driver log, which may quote the app's config.
    json::value config = ParseOr(app.config_json, json::object{});
    std::vector<std::string> secrets;
    if (config.is_object()) secrets = control::SecretValues(config.get_object(), redactor);
    o["errorMessage"] = ScrubSecrets(app.error_message, secrets);
  }
  json::value metrics = ParseOr(app.metrics_json, json::object{});
  if (metrics.is_object()) {
    json::object shown;
    if (auto* spark = metrics.as_object().if_contains("spark")) shown["spark"] = *spark;
    o["metrics"] = std::move(shown);
    if (auto* id = metrics.as_object().if_contains("sparkAppId")) o["sparkAppId"] = *id;
    // Where it ran: the runtime, its cores and executors, and why fewer executors than asked.
    if (auto* allocation = metrics.as_object().if_contains("allocation"))
      o["allocation"] = *allocation;
  }
  if (view == AppView::kDetailed) {
    o["config"] = RedactedSpec(app.config_json, redactor);
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

json::object TemplateToJson(const store::TemplateRecord& t, const Redactor& redactor) {
  json::object o{{"id", t.id},
                 {"displayName", t.display_name},
                 {"accountId", kAccountId},
                 {"organizationId", kOrganizationId},
                 {"clusterId", t.cluster_id},
                 {"config", RedactedSpec(t.config_json, redactor)}};
  PutTime(o, "createdAt", t.created_at);
  PutTime(o, "updatedAt", t.updated_at);
  return o;
}

json::object JobToJson(const store::JobRecord& job, const store::AppRecord* last_app,
                       const json::array* history, const Redactor& redactor) {
  json::object o{{"id", job.id},
                 {"displayName", job.display_name},
                 {"accountId", kAccountId},
                 {"organizationId", kOrganizationId},
                 {"clusterId", job.cluster_id},
                 {"controllerClusterId", job.cluster_id}};
  PutTime(o, "createdAt", job.created_at);
  PutTime(o, "updatedAt", job.updated_at);
  if (!job.config_json.empty()) o["config"] = RedactedSpec(job.config_json, redactor);
  if (last_app) o["lastApp"] = AppToJson(*last_app, AppView::kListItem, redactor);
  if (history) o["history"] = *history;
  return o;
}

}  // namespace sparkplane::api
