// Result<T> / Status: the one way expected failures travel between modules.
// Error carries a code (mapped to an HTTP status only in api/) and a message a user can act on.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace sparkplane {

enum class ErrorCode {
  kInvalidArgument,     // the caller sent something malformed
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // a unique id is taken
  kUnauthenticated,     // no or wrong credentials
  kPermissionDenied,    // valid credentials that may not do this
  kPayloadTooLarge,     // body over the configured limit
  kFailedPrecondition,  // valid request, wrong state (e.g. log of an app not started)
  kUnavailable,         // transient: retry later
  kIo,                  // filesystem / process / socket failure
  kCorruption,          // stored or parsed data is damaged
  kInternal,            // a bug
};

// Stable upper-snake name used in API error envelopes, e.g. "RESOURCE_NOT_FOUND".
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<std::string> field_paths;  // JSON paths of the offending fields, if any
};

// [[nodiscard]]: a failure cannot be dropped by accident; `std::ignore = f();` says on purpose.
template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using tl::expected<T, Error>::expected;
  Result(tl::expected<T, Error> other) : tl::expected<T, Error>(std::move(other)) {}  // NOLINT
};
using Status = Result<void>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message,
                                  std::vector<std::string> field_paths = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(field_paths)});
}

inline Status Ok() { return {}; }

}  // namespace sparkplane

// For impossible states only, never for input.
#define SPARKPLANE_CHECK(cond)                                                          \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

// Returns the error of a Result/Status expression from the enclosing function.
#define SPARKPLANE_TRY(expr)                                          \
  do {                                                                \
    auto&& sparkplane_try_ = (expr);                                  \
    if (!sparkplane_try_) return tl::unexpected(sparkplane_try_.error()); \
  } while (0)
