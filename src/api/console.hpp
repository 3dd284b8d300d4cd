// Serves the embedded console at `/`: hashed assets with immutable caching, index.html (no-cache)
// for every other page path (the SPA fallback, so deep links load), gzip when the client accepts
// it, ETag revalidation, and a Content-Security-Policy that allows no inline script.
#pragma once

#include <optional>

#include "net/http.hpp"

namespace sparkplane::api {

// The reply when `request` is a console page or asset (GET outside the API's prefixes), else
// nullopt. Needs no authentication: the pages sign in through /console/session.
std::optional<net::Response> ServeConsole(const net::Request& request);

// Headers every console reply carries (CSP and friends).
void AddConsoleSecurityHeaders(net::Response& response);

}  // namespace sparkplane::api
