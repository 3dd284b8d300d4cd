#include "api/sessions.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "api/tokens.hpp"
#include "common/util.hpp"

namespace sparkplane::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kSessionKind = "sparkplane:console:session";

Result<std::string> RandomToken() {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1)
    return Fail(ErrorCode::kInternal, "no secure randomness available");
  std::string out;
  for (unsigned char b : random) out += fmt::format("{:02x}", b);
  return out;
}

bool Unsafe(const net::Request& request) {
  return request.method != "GET" && request.method != "HEAD" && request.method != "OPTIONS";
}

// Secure when the browser reached us over https (directly or through a proxy that says so).
std::string CookieAttributes(const net::Request& request) {
  bool https = request.Header("x-forwarded-proto").value_or("") == "https";
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (https ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return std::string(value);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

bool SameOrigin(const net::Request& request) {
  auto origin = request.Header("origin");
  if (!origin) return true;  // same-origin GETs and non-browser clients send none
  std::string host = request.Header("host").value_or("");
  return !host.empty() && (*origin == "http://" + host || *origin == "https://" + host);
}

SessionService::SessionService(store::Store& store,
                               std::function<bool(const std::string&)> token_valid,
                               std::chrono::milliseconds lifetime, std::function<int64_t()> now)
    : store_(store),
      token_valid_(std::move(token_valid)),
      lifetime_(lifetime),
      now_(now ? std::move(now) : std::function<int64_t()>(NowMillis)) {}

Result<store::SessionRecord> SessionService::Current(const net::Request& request) {
  auto cookie = CookieValue(request.Header("cookie").value_or(""), kSessionCookie);
  if (!cookie || cookie->empty()) return Fail(ErrorCode::kUnauthenticated, "not signed in");
  auto session = store_.GetSession(TokenDigest(*cookie));
  if (!session) {
    if (session.error().code != ErrorCode::kNotFound) return session;
    return Fail(ErrorCode::kUnauthenticated, "the session is unknown or signed out: sign in again");
  }
  if (session->expires_at <= now_()) {
    return Fail(ErrorCode::kUnauthenticated, "the session expired: sign in again");
  }
  if (!token_valid_(session->token_digest)) {
    return Fail(ErrorCode::kUnauthenticated,
                "the API token of this session was revoked: sign in again");
  }
  return session;
}

Status SessionService::Authenticate(const net::Request& request) {
  auto session = Current(request);
  if (!session) return tl::unexpected(session.error());
  if (!Unsafe(request)) return Ok();
  if (!SameOrigin(request)) {
    return Fail(ErrorCode::kPermissionDenied,
                "cross-origin request refused: Origin does not match this server");
  }
  std::string sent = request.Header("x-csrf-token").value_or("");
  const std::string& expected = session->csrf_token;
  if (sent.size() != expected.size() ||
      CRYPTO_memcmp(sent.data(), expected.data(), sent.size()) != 0) {
    return Fail(ErrorCode::kPermissionDenied,
                "missing or wrong X-CSRF-Token header: send the csrfToken that GET "
                "/console/session returns");
  }
  return Ok();
}

net::Response SessionService::SessionReply(const net::Request& request,
                                           const store::SessionRecord& session,
                                           std::optional<std::string> set_cookie) {
  // Every token is an admin's until users and roles exist.
  json::object item{{"user", "admin"},
                    {"role", "admin"},
                    {"csrfToken", session.csrf_token},
                    {"expiresAt", FormatIsoMillis(session.expires_at)}};
  auto r = Envelope(request, kSessionKind, json::array{std::move(item)});
  if (set_cookie) r.headers.emplace_back("Set-Cookie", *set_cookie);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

net::Response SessionService::SignIn(const net::Request& request) {
  if (!SameOrigin(request)) {
    return ErrorEnvelope(request, {ErrorCode::kPermissionDenied, "cross-origin sign-in refused"});
  }
  json::error_code ec;
  json::value body = json::parse(request.body, ec);
  const json::value* token =
      !ec && body.is_object() ? body.as_object().if_contains("token") : nullptr;
  if (!token || !token->is_string() || token->as_string().empty()) {
    return ErrorEnvelope(
        request,
        {ErrorCode::kInvalidArgument, "token: send {\"token\": \"<API token>\"}", {"token"}});
  }
  std::string digest = TokenDigest(std::string_view(token->as_string()));
  if (!token_valid_(digest)) {
    return ErrorEnvelope(request,
                         {ErrorCode::kUnauthenticated,
                          "this API token is not valid: use DATA_DIR/admin-token or one from "
                          "`sparkplane token create`"});
  }
  auto id = RandomToken();
  auto csrf = RandomToken();
  if (!id || !csrf) return ErrorEnvelope(request, !id ? id.error() : csrf.error());
  int64_t now = now_();
  store::SessionRecord session{TokenDigest(*id), digest, *csrf, now, now + lifetime_.count()};
  if (auto st = store_.InsertSession(session); !st) return ErrorEnvelope(request, st.error());
  std::string cookie = fmt::format("{}={}{}; Max-Age={}", kSessionCookie, *id,
                                   CookieAttributes(request), lifetime_.count() / 1000);
  return SessionReply(request, session, cookie);
}

net::Response SessionService::Handle(const net::Request& request) {
  if (request.body_too_large) {
    return ErrorEnvelope(request, {ErrorCode::kPayloadTooLarge, "the request body is too large"});
  }
  net::Response r;
  if (request.method == "POST") {
    r = SignIn(request);
  } else if (request.method == "GET") {
    auto session = Current(request);
    if (session) {
      r = SessionReply(request, *session, std::nullopt);
    } else if (session.error().code == ErrorCode::kUnauthenticated) {
      r = Envelope(request, kSessionKind, json::array{});  // nobody is signed in
      r.headers.emplace_back("Cache-Control", "no-store");
    } else {
      r = ErrorEnvelope(request, session.error());
    }
  } else if (request.method == "DELETE") {
    auto allowed = Authenticate(request);
    if (!allowed) return ErrorEnvelope(request, allowed.error());
    auto cookie = CookieValue(request.Header("cookie").value_or(""), kSessionCookie);
    if (auto st = store_.DeleteSession(TokenDigest(*cookie)); !st)
      return ErrorEnvelope(request, st.error());
    r = Envelope(request, kSessionKind, json::array{});
    r.headers.emplace_back(
        "Set-Cookie", fmt::format("{}={}; Max-Age=0", kSessionCookie, CookieAttributes(request)));
  } else {
    r = ErrorEnvelope(request,
                      {ErrorCode::kInvalidArgument,
                       fmt::format("{} is not allowed on /console/session; use GET, POST or DELETE",
                                   request.method)});
    r.status = 405;
    r.headers.emplace_back("Allow", "GET, POST, DELETE");
  }
  return r;
}

}  // namespace sparkplane::api
