// The one table of `sparkplane` exit codes (docs/cli.md), and the mapping to it from the API's
// HTTP statuses and from error codes. Every command exits through ExitCodeFor.
#pragma once

#include "common/result.hpp"

namespace sparkplane::cli {

enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,          // the app failed, or the request did (server error, network, I/O)
  kUsage = 2,            // a bad flag or argument, including values the server rejects (HTTP 400)
  kNotFound = 3,         // the app, job, template or token does not exist (HTTP 404)
  kUnauthenticated = 4,  // no or wrong token, or the token may not do this (HTTP 401, 403)
  kConflict = 5,         // the id is taken, or the thing is in the wrong state (HTTP 409)
};

// The error code a reply with this HTTP status stands for (the inverse of api/envelope.cpp).
ErrorCode ErrorCodeForHttpStatus(int status);

// The process exit code for a command that failed with `code`.
int ExitCodeFor(ErrorCode code);

}  // namespace sparkplane::cli
