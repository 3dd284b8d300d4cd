// Spark History Server REST API (/api/v1) over a Catalog, transport-agnostic: the server passes
// the path below /api/v1 and the query; answers follow Spark's JSON and error conventions.
#pragma once

#include <memory>

#include "common/redaction.hpp"
#include "eventlog/catalog.hpp"
#include "net/http.hpp"

namespace sparkplane::eventlog {

class HistoryApi {
 public:
  // `environment` values are redacted with `redactor` (and each app's own pattern), as Spark's.
  explicit HistoryApi(std::shared_ptr<Catalog> catalog, Redactor redactor = Redactor::Default())
      : catalog_(std::move(catalog)), redactor_(std::move(redactor)) {}

  // req.path is the path below /api/v1 (e.g. "/applications/app-1/stages"); req.query its
  // decoded query. Thread-safe. Besides Spark's routes it serves
  // /applications/{id}[/{attempt}]/metrics (sparkplane's per-app metrics JSON).
  net::Response Handle(const net::Request& req) const;

 private:
  std::shared_ptr<Catalog> catalog_;
  Redactor redactor_;
};

}  // namespace sparkplane::eventlog
