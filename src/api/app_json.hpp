// Ocean Spark JSON shapes of stored records (§1.4 application, §1.6 cluster and job). Every
// config they show is redacted (control/secrets.hpp) with `redactor`, and an app's errorMessage
// has its config's secret values scrubbed: no reply shows a secret.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "common/redaction.hpp"
#include "store/records.hpp"

namespace sparkplane::api {

enum class AppView { kDetailed, kListItem };

boost::json::object AppToJson(const store::AppRecord& app, AppView view,
                              const Redactor& redactor = Redactor::Default());
boost::json::object ClusterToJson(const store::ClusterRecord& cluster);
boost::json::object TemplateToJson(const store::TemplateRecord& record,
                                   const Redactor& redactor = Redactor::Default());
// `last_app` (list-item view) and `history` are included when given.
boost::json::object JobToJson(const store::JobRecord& job, const store::AppRecord* last_app,
                              const boost::json::array* history,
                              const Redactor& redactor = Redactor::Default());

}  // namespace sparkplane::api
