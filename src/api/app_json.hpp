// Ocean Spark JSON shapes of stored records (§1.4 application, §1.6 cluster and job).
#pragma once

#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace sparkplane::api {

enum class AppView { kDetailed, kListItem };

boost::json::object AppToJson(const store::AppRecord& app, AppView view);
boost::json::object ClusterToJson(const store::ClusterRecord& cluster);

}  // namespace sparkplane::api
