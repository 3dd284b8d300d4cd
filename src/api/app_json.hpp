// Ocean Spark JSON shapes of stored records (§1.4 application, §1.6 cluster and job).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace sparkplane::api {

enum class AppView { kDetailed, kListItem };

boost::json::object AppToJson(const store::AppRecord& app, AppView view);
boost::json::object ClusterToJson(const store::ClusterRecord& cluster);
boost::json::object TemplateToJson(const store::TemplateRecord& record);
// `last_app` (list-item view) and `history` are included when given.
boost::json::object JobToJson(const store::JobRecord& job, const store::AppRecord* last_app,
                              const boost::json::array* history);

}  // namespace sparkplane::api
