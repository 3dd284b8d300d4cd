// Plain records persisted by the Store. No behaviour beyond naming and parsing enums.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sparkplane::store {

// Ocean Spark's seven application states; the last five are terminal and never change.
enum class AppState { kPending, kRunning, kCompleted, kCompletedWithWarnings, kFailed, kKilled, kTimedOut };

std::string_view AppStateName(AppState state);
std::optional<AppState> ParseAppState(std::string_view name);
bool IsTerminal(AppState state);

struct ClusterRecord {
  std::string id;  // osc-xxxxxxxx
  std::string state = "AVAILABLE";
  std::string region = "local";
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct AppRecord {
  std::string id;
  std::string internal_id;  // uuid
  std::string cluster_id;
  std::string job_id;
  std::string display_name;
  int64_t user_id = 0;
  std::string submission_source = "public-api";
  std::string app_type = "batch";
  AppState state = AppState::kPending;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t started_at = 0;  // 0 = not yet
  int64_t ended_at = 0;
  int64_t kill_requested_at = 0;
  std::string config_template_id;
  std::string request_json;         // the submission body as accepted
  std::string config_json;          // resolved ApplicationSpec
  std::string config_sources_json;  // {"key": "source", ...}
  std::string error_message;        // why it failed / last error lines
  std::optional<int> exit_code;
  int64_t pid = 0;               // driver process group leader while running
  int64_t pid_start_ticks = 0;   // /proc/<pid>/stat starttime, to tell pid reuse apart
  std::string app_dir;           // folder with the driver log and event log
  std::string issues_json = "[]";   // [{errorType, severity, abstract, stacktrace}]
  std::string metrics_json = "{}";  // {"spark": {...}} from the event log
  int64_t cores = 0;                // cores currently allocated (0 once finished)
};

// An API token as stored: only its SHA-256 digest, never the token itself.
struct TokenRecord {
  std::string digest;  // hex
  std::string name;
  int64_t created_at = 0;
};

struct TemplateRecord {
  std::string id;
  std::string cluster_id;
  std::string display_name;
  std::string config_json;  // ApplicationSpec
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A console sign-in: the cookie's digest (never the cookie), the token it was made from (a
// revoked token ends its sessions), the CSRF token state-changing requests must echo, and when
// it stops being valid.
struct SessionRecord {
  std::string digest;
  std::string token_digest;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// A position in an ordered listing: the sort key and id of the last item seen.
struct Cursor {
  int64_t key = 0;
  std::string id;
};

enum class AppOrderBy { kCreatedAt, kCostInCents, kDuration };

struct JobRecord {
  std::string id;
  std::string cluster_id;
  std::string display_name;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string last_app_id;
  std::string config_json;  // job config layer; empty = none
};

// Fields a state transition may set alongside the new state; unset ones stay as they are.
struct AppTransition {
  AppState to = AppState::kPending;
  std::optional<AppState> from;  // when set, applies only if the app is in exactly this state
  int64_t at = 0;
  std::optional<int64_t> started_at;
  std::optional<int64_t> ended_at;
  std::optional<int64_t> kill_requested_at;
  std::optional<std::string> error_message;
  std::optional<int> exit_code;
  std::optional<int64_t> pid;
  std::optional<int64_t> pid_start_ticks;
  std::optional<std::string> issues_json;
  std::optional<std::string> metrics_json;
  std::optional<int64_t> cores;
  std::string reason;  // recorded in app_events
};

// One fleet node's life (a Spark Worker process for the local-process provider). States:
// STARTING → READY → DECOMMISSIONING → REMOVED, or LOST (died) / FAILED (never registered).
struct NodeRecord {
  std::string id;             // node-<hex>
  std::string node_group;     // the fleet group it belongs to
  std::string instance_type;  // its catalog shape, e.g. local-2c4g
  std::string state = "STARTING";
  std::string reason;  // why it was added, or why it ended
  int64_t cores = 0;
  int64_t memory_mib = 0;
  int64_t price_micro_usd_per_hour = 0;
  std::string host;
  int64_t port = 0;
  int64_t pid = 0;              // process group leader while alive
  int64_t pid_start_ticks = 0;  // tells a reused pid apart
  int64_t created_at = 0;
  int64_t ready_at = 0;  // 0 = not yet
  int64_t ended_at = 0;  // 0 = alive
  int64_t updated_at = 0;
};

// A node that has not ended (STARTING, READY or DECOMMISSIONING).
bool IsLiveNode(const NodeRecord& node);

}  // namespace sparkplane::store
