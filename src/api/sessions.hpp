// Console sign-in. POST /console/session {"token"} exchanges a valid API token for a session
// cookie (HttpOnly, SameSite=Strict, expiring); GET tells who is signed in (an empty item list
// when nobody is) and hands the page its CSRF token; DELETE signs out (the session is revoked).
// Requests authenticated by the cookie that change state must echo the CSRF token in
// X-CSRF-Token and, when they carry Origin, come from this server's own origin.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "net/http.hpp"
#include "store/store.hpp"

namespace sparkplane::api {

inline constexpr std::string_view kSessionCookie = "sp_session";

class SessionService {
 public:
  // `token_valid(digest)` says whether an API token digest is (still) valid; `now` gives epoch
  // millis (injected so tests can expire sessions). Thread-safe.
  SessionService(store::Store& store, std::function<bool(const std::string&)> token_valid,
                 std::chrono::milliseconds lifetime = std::chrono::hours(12),
                 std::function<int64_t()> now = nullptr);

  // Serves /console/session.
  net::Response Handle(const net::Request& request);

  // Authenticates a request that carries the session cookie and no Authorization header:
  // kUnauthenticated for a missing, unknown, expired or revoked session (or one whose token
  // was revoked), kPermissionDenied for a state-changing request without the right CSRF token
  // or from another origin.
  Status Authenticate(const net::Request& request);

 private:
  Result<store::SessionRecord> Current(const net::Request& request);
  net::Response SignIn(const net::Request& request);
  net::Response SessionReply(const net::Request& request, const store::SessionRecord& session,
                             std::optional<std::string> set_cookie);

  store::Store& store_;
  std::function<bool(const std::string&)> token_valid_;
  std::chrono::milliseconds lifetime_;
  std::function<int64_t()> now_;
};

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view header, std::string_view name);

// Whether Origin (when present) names this server (Host, over http or https).
bool SameOrigin(const net::Request& request);

}  // namespace sparkplane::api
