// Column lists and row → record readers shared by every Store backend. `Row` is any type with
// Text(i), Int(i) and IsNull(i) over a result row selected with the matching column list.
#pragma once

#include <string_view>

#include "store/records.hpp"

namespace sparkplane::store {

inline constexpr std::string_view kAppColumns =
    "id, internal_id, cluster_id, job_id, display_name, user_id, submission_source, app_type, "
    "state, created_at, updated_at, started_at, ended_at, kill_requested_at, config_template_id, "
    "request_json, config_json, config_sources_json, error_message, exit_code, pid, "
    "pid_start_ticks, app_dir, issues_json, metrics_json, cores";
inline constexpr std::string_view kJobColumns =
    "id, cluster_id, display_name, created_at, updated_at, last_app_id, config_json";
inline constexpr std::string_view kTemplateColumns =
    "id, cluster_id, display_name, config_json, created_at, updated_at";

inline constexpr std::string_view kSessionColumns =
    "digest, token_digest, csrf_token, created_at, expires_at";

template <class Row>
SessionRecord ReadSession(const Row& r) {
  return SessionRecord{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)};
}

inline constexpr std::string_view kTokenColumns = "digest, name, created_at";

template <class Row>
TokenRecord ReadToken(const Row& r) {
  return TokenRecord{r.Text(0), r.Text(1), r.Int(2)};
}

inline constexpr std::string_view kNodeColumns =
    "id, node_group, instance_type, state, reason, cores, memory_mib, price_micro_usd_per_hour, "
    "host, port, pid, pid_start_ticks, created_at, ready_at, ended_at, updated_at";

template <class Row>
NodeRecord ReadNode(const Row& r) {
  return NodeRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5),
                    r.Int(6),  r.Int(7),  r.Text(8), r.Int(9),  r.Int(10), r.Int(11),
                    r.Int(12), r.Int(13), r.Int(14), r.Int(15)};
}

template <class Row>
JobRecord ReadJob(const Row& r) {
  return JobRecord{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.Text(5), r.Text(6)};
}

template <class Row>
TemplateRecord ReadTemplate(const Row& r) {
  return TemplateRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5)};
}

template <class Row>
AppRecord ReadApp(const Row& r) {
  AppRecord a;
  a.id = r.Text(0);
  a.internal_id = r.Text(1);
  a.cluster_id = r.Text(2);
  a.job_id = r.Text(3);
  a.display_name = r.Text(4);
  a.user_id = r.Int(5);
  a.submission_source = r.Text(6);
  a.app_type = r.Text(7);
  a.state = ParseAppState(r.Text(8)).value_or(AppState::kFailed);
  a.created_at = r.Int(9);
  a.updated_at = r.Int(10);
  a.started_at = r.Int(11);
  a.ended_at = r.Int(12);
  a.kill_requested_at = r.Int(13);
  a.config_template_id = r.Text(14);
  a.request_json = r.Text(15);
  a.config_json = r.Text(16);
  a.config_sources_json = r.Text(17);
  a.error_message = r.Text(18);
  if (!r.IsNull(19)) a.exit_code = static_cast<int>(r.Int(19));
  a.pid = r.Int(20);
  a.pid_start_ticks = r.Int(21);
  a.app_dir = r.Text(22);
  a.issues_json = r.Text(23);
  a.metrics_json = r.Text(24);
  a.cores = r.Int(25);
  return a;
}

}  // namespace sparkplane::store
