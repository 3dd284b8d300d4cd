// Config templates and job configs: named ApplicationSpec layers of the config merge.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "store/store.hpp"

namespace sparkplane::control {

class TemplateService {
 public:
  explicit TemplateService(store::Store& store) : store_(store) {}

  // POST body {"id", "displayName"?, "config"}.
  Result<store::TemplateRecord> Create(const std::string& cluster_id, const boost::json::value& body);
  // PUT body {"displayName"?, "config"}: replaces the template.
  Result<store::TemplateRecord> Replace(const std::string& cluster_id, const std::string& id,
                                        const boost::json::value& body);
  Result<store::TemplateRecord> Get(const std::string& cluster_id, const std::string& id);
  // cluster_id empty: every cluster's templates.
  Result<std::vector<store::TemplateRecord>> List(const std::string& cluster_id);
  Status Delete(const std::string& cluster_id, const std::string& id);

  // PUT /job/{id}/config body {"config": spec}; an empty body ({} or "") removes the job config.
  Result<store::JobRecord> SetJobConfig(const std::string& cluster_id, const std::string& job_id,
                                        const std::string& raw_body);

 private:
  store::Store& store_;
};

}  // namespace sparkplane::control
