// The History Server API under /api/v1 names apps by Spark's id (local-…, app-…); sparkplane's
// own app ids are accepted too and mapped to the Spark id the app's event log reports.
#pragma once

#include <string>

#include "store/store.hpp"

namespace sparkplane::api {

// `path` below /api/v1 (e.g. "/applications/pi-1a2b…/jobs"): when its application segment is a
// sparkplane app id whose Spark id is known, the same path with the Spark id; else unchanged.
std::string WithSparkAppId(const std::string& path, store::Store& store);

}  // namespace sparkplane::api
