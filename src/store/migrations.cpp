#include "store/migrations.hpp"

#include <array>

namespace sparkplane::store {
namespace {

constexpr std::array<std::string_view, 5> kMigrations{{
    R"sql(
CREATE TABLE clusters (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE tokens (
  digest TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE jobs (
  cluster_id TEXT NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_app_id TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (cluster_id, id)
);
CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  internal_id TEXT NOT NULL,
  cluster_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  submission_source TEXT NOT NULL,
  app_type TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL DEFAULT 0,
  ended_at BIGINT NOT NULL DEFAULT 0,
  kill_requested_at BIGINT NOT NULL DEFAULT 0,
  config_template_id TEXT NOT NULL DEFAULT '',
  request_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  config_sources_json TEXT NOT NULL,
  error_message TEXT NOT NULL DEFAULT '',
  exit_code BIGINT,
  pid BIGINT NOT NULL DEFAULT 0,
  pid_start_ticks BIGINT NOT NULL DEFAULT 0,
  app_dir TEXT NOT NULL
);
CREATE INDEX apps_cluster_created ON apps (cluster_id, created_at, id);
CREATE INDEX apps_state_created ON apps (state, created_at, id);
CREATE TABLE app_events (
  app_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX app_events_app ON app_events (app_id, at);
)sql",
    R"sql(
ALTER TABLE apps ADD COLUMN issues_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE apps ADD COLUMN metrics_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE apps ADD COLUMN cores BIGINT NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN cost_cents BIGINT NOT NULL DEFAULT 0;
CREATE INDEX apps_cluster_job ON apps (cluster_id, job_id, created_at, id);
CREATE INDEX apps_updated ON apps (updated_at);
CREATE INDEX apps_created ON apps (created_at, id);
CREATE INDEX jobs_created ON jobs (created_at, id);
CREATE TABLE config_templates (
  cluster_id TEXT NOT NULL,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  config_json TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (cluster_id, id)
);
)sql",
    // Filtered listings (state and job within a cluster) walk one index range in page order.
    R"sql(
CREATE INDEX apps_cluster_state_job ON apps (cluster_id, state, job_id, created_at, id);
CREATE INDEX apps_cluster_state ON apps (cluster_id, state, created_at, id);
)sql",
    // Console sign-ins (the cookie's digest; the token they came from).
    R"sql(
CREATE TABLE sessions (
  digest TEXT PRIMARY KEY,
  token_digest TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
)sql",
    // Fleet nodes (Spark workers started by the local-process provider) and their lives.
    R"sql(
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  node_group TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  cores BIGINT NOT NULL,
  memory_mib BIGINT NOT NULL,
  price_micro_usd_per_hour BIGINT NOT NULL DEFAULT 0,
  host TEXT NOT NULL DEFAULT '',
  port BIGINT NOT NULL DEFAULT 0,
  pid BIGINT NOT NULL DEFAULT 0,
  pid_start_ticks BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  ready_at BIGINT NOT NULL DEFAULT 0,
  ended_at BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX nodes_ended_at ON nodes (ended_at, created_at);
)sql",
}};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

}  // namespace sparkplane::store
