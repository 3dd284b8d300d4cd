#include "control/templates.hpp"

#include <optional>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/spec_fields.hpp"
#include "common/util.hpp"
#include "control/app_spec.hpp"
#include "control/secrets.hpp"

namespace sparkplane::control {
namespace json = boost::json;
namespace {

// A config parsed from its stored text, or nullopt when there is none (or it is damaged).
std::optional<json::object> StoredConfig(const std::string& text) {
  if (text.empty()) return std::nullopt;
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// The config to store from a validated body `config`: placeholders of redacted values sent
// back resolve to the values of the version being replaced (`stored_text`).
Result<std::string> ConfigToStore(const json::value& config, const std::string& stored_text) {
  json::object incoming = config.get_object();
  auto stored = StoredConfig(stored_text);
  SPARKPLANE_TRY(RestoreRedacted(incoming, stored ? &*stored : nullptr, "config"));
  return json::serialize(incoming);
}

// Fills display_name and config_json of `record` from a template body; `record.config_json` is
// the stored version it replaces (empty for a new template).
Status ReadTemplateBody(const json::value& value, store::TemplateRecord& record) {
  if (!value.is_object()) return Fail(ErrorCode::kInvalidArgument, "the body must be a JSON object");
  const auto& body = value.get_object();
  SPARKPLANE_TRY(CheckKnownKeys(body, {"id", "displayName", "config"}));
  const json::value* config = body.if_contains("config");
  if (!config) return Fail(ErrorCode::kInvalidArgument, "config: is required (an ApplicationSpec)", {"config"});
  SPARKPLANE_TRY(ValidateAppSpec(*config, "config"));
  auto to_store = ConfigToStore(*config, record.config_json);
  if (!to_store) return tl::unexpected(to_store.error());
  record.config_json = std::move(*to_store);
  record.display_name = record.id;
  if (auto* name = body.if_contains("displayName"); name && !name->is_null()) {
    if (!name->is_string() || name->get_string().size() > 256) {
      return Fail(ErrorCode::kInvalidArgument, "displayName: must be a string of at most 256 characters",
                  {"displayName"});
    }
    record.display_name = std::string(name->get_string());
  }
  return Ok();
}

Status CheckId(std::string_view field, const std::string& id) {
  if (IsK8sName(id)) return Ok();
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("{}: '{}' is not a valid id (lowercase letters, digits, '-' and '.')", field, id),
              {std::string(field)});
}

}  // namespace

Result<store::TemplateRecord> TemplateService::Create(const std::string& cluster_id, const json::value& body) {
  SPARKPLANE_TRY(store_.GetCluster(cluster_id));
  store::TemplateRecord record;
  record.cluster_id = cluster_id;
  if (body.is_object()) {
    auto* id = body.get_object().if_contains("id");
    if (!id || !id->is_string()) return Fail(ErrorCode::kInvalidArgument, "id: is required (a string)", {"id"});
    record.id = std::string(id->get_string());
    SPARKPLANE_TRY(CheckId("id", record.id));
  }
  SPARKPLANE_TRY(ReadTemplateBody(body, record));
  record.created_at = record.updated_at = NowMillis();
  SPARKPLANE_TRY(store_.InsertTemplate(record));
  return record;
}

Result<store::TemplateRecord> TemplateService::Replace(const std::string& cluster_id, const std::string& id,
                                                       const json::value& body) {
  auto existing = store_.GetTemplate(cluster_id, id);
  if (!existing) return existing;
  if (body.is_object()) {
    if (auto* body_id = body.get_object().if_contains("id"); body_id && !(body_id->is_string() && body_id->get_string() == id)) {
      return Fail(ErrorCode::kInvalidArgument, "id: cannot be changed", {"id"});
    }
  }
  store::TemplateRecord record = *existing;
  SPARKPLANE_TRY(ReadTemplateBody(body, record));
  record.updated_at = NowMillis();
  SPARKPLANE_TRY(store_.ReplaceTemplate(record));
  return record;
}

Result<store::TemplateRecord> TemplateService::Get(const std::string& cluster_id, const std::string& id) {
  return store_.GetTemplate(cluster_id, id);
}

Result<std::vector<store::TemplateRecord>> TemplateService::List(const std::string& cluster_id) {
  if (!cluster_id.empty()) SPARKPLANE_TRY(store_.GetCluster(cluster_id));
  return store_.ListTemplates(cluster_id);
}

Status TemplateService::Delete(const std::string& cluster_id, const std::string& id) {
  return store_.DeleteTemplate(cluster_id, id);
}

Result<store::JobRecord> TemplateService::SetJobConfig(const std::string& cluster_id, const std::string& job_id,
                                                       const std::string& raw_body) {
  SPARKPLANE_TRY(store_.GetCluster(cluster_id));
  SPARKPLANE_TRY(CheckId("jobId", job_id));
  std::string config_json;
  bool blank = raw_body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!blank) {
    json::error_code ec;
    json::value body = json::parse(raw_body, ec);
    if (ec || !body.is_object()) {
      return Fail(ErrorCode::kInvalidArgument, "the body must be {\"config\": <ApplicationSpec>} or empty");
    }
    SPARKPLANE_TRY(CheckKnownKeys(body.get_object(), {"config"}));
    if (auto* config = body.get_object().if_contains("config"); config && !config->is_null()) {
      SPARKPLANE_TRY(ValidateAppSpec(*config, "config"));
      if (!config->get_object().empty()) {
        auto existing = store_.GetJob(cluster_id, job_id);
        auto to_store = ConfigToStore(*config, existing ? existing->config_json : std::string());
        if (!to_store) return tl::unexpected(to_store.error());
        config_json = std::move(*to_store);
      }
    }
  }
  SPARKPLANE_TRY(store_.SetJobConfig(cluster_id, job_id, config_json, NowMillis()));
  return store_.GetJob(cluster_id, job_id);
}

}  // namespace sparkplane::control
