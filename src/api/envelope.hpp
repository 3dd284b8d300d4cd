// The Spot API envelope around every JSON reply, and the one table mapping error codes to
// HTTP statuses.
#pragma once

#include <string_view>

#include <boost/json/array.hpp>

#include "common/result.hpp"
#include "net/http.hpp"

namespace sparkplane::api {

int HttpStatus(ErrorCode code);

// {"request": {id, url, method, timestamp}, "response": {status, kind, count, items}}.
net::Response Envelope(const net::Request& request, std::string_view kind, boost::json::array items,
                       int status = 200);

// Same envelope with response.errors[{code, message, fieldPaths?}] and the mapped HTTP status.
net::Response ErrorEnvelope(const net::Request& request, const Error& error);

}  // namespace sparkplane::api
