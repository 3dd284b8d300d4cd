// Console sessions over a real SQLite store, with an injected clock for expiry.
#include "api/sessions.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "api/tokens.hpp"
#include "common/util.hpp"

namespace sparkplane::api {
namespace {
namespace json = boost::json;

std::string HeaderOf(const net::Response& r, std::string_view name) {
  for (auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sp-sessions-" + RandomHex(8));
    std::filesystem::create_directories(dir_);
    auto store = store::OpenSqliteStore((dir_ / "db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    valid_.insert(TokenDigest("sp_good"));
    sessions_ = std::make_unique<SessionService>(
        *store_, [this](const std::string& d) { return valid_.count(d) > 0; },
        std::chrono::minutes(10), [this] { return now_.load(); });
  }
  void TearDown() override {
    sessions_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  net::Request Make(std::string method, std::string body = "", std::string cookie = "") {
    net::Request r;
    r.method = std::move(method);
    r.path = r.target = "/console/session";
    r.body = std::move(body);
    r.headers["Host"] = "127.0.0.1:8080";
    if (!cookie.empty()) r.headers["Cookie"] = "theme=dark; " + cookie;
    return r;
  }

  // Signs in with `token`; returns the "name=value" cookie pair and the CSRF token.
  std::pair<std::string, std::string> SignIn(const std::string& token = "sp_good") {
    auto r = sessions_->Handle(Make("POST", json::serialize(json::object{{"token", token}})));
    EXPECT_EQ(r.status, 200) << r.body;
    std::string set_cookie = HeaderOf(r, "Set-Cookie");
    auto item = json::parse(r.body).at("response").at("items").at(0);
    return {set_cookie.substr(0, set_cookie.find(';')),
            std::string(item.at("csrfToken").as_string())};
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::set<std::string> valid_;
  std::atomic<int64_t> now_{1'000'000};
  std::unique_ptr<SessionService> sessions_;
};

TEST_F(SessionsTest, SignInSetsAnHttpOnlyStrictExpiringCookie) {
  auto r = sessions_->Handle(Make("POST", R"({"token":"sp_good"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = HeaderOf(r, "Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("sp_session=")) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_NE(cookie.find("; Max-Age=600"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);   // plain http
  EXPECT_EQ(cookie.find("sp_good"), std::string::npos);  // never the API token
  auto item = json::parse(r.body).at("response").at("items").at(0);
  EXPECT_EQ(item.at("csrfToken").as_string().size(), 64u);
  EXPECT_EQ(item.at("role").as_string(), "admin");
}

TEST_F(SessionsTest, SignInBehindHttpsProxyIsSecure) {
  auto request = Make("POST", R"({"token":"sp_good"})");
  request.headers["X-Forwarded-Proto"] = "https";
  EXPECT_NE(HeaderOf(sessions_->Handle(request), "Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(SessionsTest, BadSignInsAreRefusedWithReasons) {
  auto wrong = sessions_->Handle(Make("POST", R"({"token":"sp_wrong"})"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(HeaderOf(wrong, "Set-Cookie").empty());
  EXPECT_EQ(sessions_->Handle(Make("POST", "not json")).status, 400);
  EXPECT_EQ(sessions_->Handle(Make("POST", R"({"token":7})")).status, 400);
  auto foreign = Make("POST", R"({"token":"sp_good"})");
  foreign.headers["Origin"] = "http://evil.example";
  EXPECT_EQ(sessions_->Handle(foreign).status, 403);
  EXPECT_EQ(sessions_->Handle(Make("PUT")).status, 405);
}

TEST_F(SessionsTest, GetTellsWhoIsSignedInOrNobody) {
  auto nobody = sessions_->Handle(Make("GET"));
  EXPECT_EQ(nobody.status, 200);
  EXPECT_EQ(json::parse(nobody.body).at("response").at("count").as_int64(), 0);
  auto [cookie, csrf] = SignIn();
  auto me = sessions_->Handle(Make("GET", "", cookie));
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body).at("response").at("items").at(0).at("csrfToken").as_string(),
            csrf);
  EXPECT_EQ(HeaderOf(me, "Cache-Control"), "no-store");
}

TEST_F(SessionsTest, WritesNeedTheCsrfTokenAndTheSameOrigin) {
  auto [cookie, csrf] = SignIn();
  auto read = Make("GET", "", cookie);
  read.path = "/ocean/spark/app";
  EXPECT_TRUE(sessions_->Authenticate(read).has_value());

  auto write = Make("DELETE", "", cookie);
  write.path = "/ocean/spark/cluster/c/app/a";
  EXPECT_EQ(sessions_->Authenticate(write).error().code, ErrorCode::kPermissionDenied);
  write.headers["X-CSRF-Token"] = std::string(csrf.size(), '0');
  EXPECT_EQ(sessions_->Authenticate(write).error().code, ErrorCode::kPermissionDenied);
  write.headers["X-CSRF-Token"] = csrf;
  EXPECT_TRUE(sessions_->Authenticate(write).has_value());
  write.headers["Origin"] = "http://127.0.0.1:8080";
  EXPECT_TRUE(sessions_->Authenticate(write).has_value());
  write.headers["Origin"] = "http://127.0.0.1:9999";
  EXPECT_EQ(sessions_->Authenticate(write).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(SessionsTest, WrongCookieIsUnauthenticated) {
  SignIn();
  EXPECT_EQ(sessions_->Authenticate(Make("GET", "", "sp_session=forged")).error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(sessions_->Authenticate(Make("GET", "", "other=1")).error().code,
            ErrorCode::kUnauthenticated);
}

TEST_F(SessionsTest, SessionsExpire) {
  auto [cookie, csrf] = SignIn();
  now_ += 10 * 60 * 1000 - 1;
  EXPECT_TRUE(sessions_->Authenticate(Make("GET", "", cookie)).has_value());
  now_ += 1;
  auto expired = sessions_->Authenticate(Make("GET", "", cookie));
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
}

TEST_F(SessionsTest, SignOutRevokesTheSession) {
  auto [cookie, csrf] = SignIn();
  auto [other_cookie, other_csrf] = SignIn();
  EXPECT_EQ(sessions_->Handle(Make("DELETE", "", cookie)).status, 403);  // no CSRF token
  auto out = Make("DELETE", "", cookie);
  out.headers["X-CSRF-Token"] = csrf;
  auto r = sessions_->Handle(out);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(HeaderOf(r, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(sessions_->Authenticate(Make("GET", "", cookie)).error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(sessions_->Authenticate(Make("GET", "", other_cookie)).has_value());  // only that one
}

TEST_F(SessionsTest, RevokedTokenEndsItsSessions) {
  auto [cookie, csrf] = SignIn();
  valid_.clear();
  auto revoked = sessions_->Authenticate(Make("GET", "", cookie));
  ASSERT_FALSE(revoked.has_value());
  EXPECT_NE(revoked.error().message.find("revoked"), std::string::npos);
}

TEST(CookieValueTest, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; sp_session=xyz; b=2", "sp_session"), "xyz");
  EXPECT_EQ(CookieValue("sp_session=xyz", "sp_session"), "xyz");
  EXPECT_EQ(CookieValue("sp_session_old=1; x=2", "sp_session"), std::nullopt);
  EXPECT_EQ(CookieValue("", "sp_session"), std::nullopt);
}

}  // namespace
}  // namespace sparkplane::api
