// The HTTP entry point: authentication, body limits, routing of /ocean/spark/** and mounted
// sub-APIs, and the last-resort conversion of a bug into a 500 with a request id.
#pragma once

#include <chrono>
#include <map>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "api/router.hpp"
#include "api/sessions.hpp"
#include "common/redaction.hpp"
#include "control/app_service.hpp"
#include "control/templates.hpp"
#include "net/http.hpp"
#include "store/store.hpp"

namespace sparkplane::api {

class ApiHandler {
 public:
  // Every config in a reply is redacted with `redactor` (serve --redaction-regex).
  ApiHandler(store::Store& store, control::AppService& apps,
             Redactor redactor = Redactor::Default());

  // Serves requests whose path starts with `prefix` (after authentication) with `handler`.
  void Mount(std::string prefix, net::Handler handler);

  // Thread-safe.
  net::Response Handle(const net::Request& request);

 private:
  net::Response Route(const net::Request& request);
  void AddClusterRoutes();
  void AddAppRoutes();
  void AddTemplateAndJobRoutes();
  void AddAppDataRoutes();  // app_data_routes.cpp: chart series, log search
  boost::json::array RecentDurations(const store::JobRecord& job);
  net::Response DriverLog(const net::Request& request, const std::string& cluster_id,
                          const std::string& app_id);

  // A Bearer token, or else the console's session cookie (with CSRF checks on writes).
  Status Authenticate(const net::Request& request);
  // Token digest check against the store, remembering a digest found there for kTokenRecheck, so
  // a token revoked in the store (`sparkplane token revoke`, maybe from another process) stops
  // working within that time.
  bool TokenDigestValid(const std::string& digest);

  store::Store& store_;
  control::AppService& apps_;
  Redactor redactor_;
  std::shared_mutex tokens_mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> known_token_digests_;  // → when checked
  control::TemplateService templates_;
  SessionService sessions_;
  Router ocean_;
  std::vector<std::pair<std::string, net::Handler>> mounts_;
};

}  // namespace sparkplane::api
