// Starts the real server on 127.0.0.1:0 and talks to it with the real client.
#include "net/http.hpp"

#include <atomic>

#include <gtest/gtest.h>

namespace sparkplane::net {
namespace {

std::unique_ptr<HttpServer> StartEcho(size_t max_body = 1024) {
  ServerOptions options;
  options.max_body_bytes = max_body;
  auto server = HttpServer::Start(options, [](const Request& req) {
    Response r;
    if (req.body_too_large) {
      r.status = 413;
      return r;
    }
    if (req.path == "/stream") {
      auto n = std::make_shared<int>(0);
      r.content_type = "text/plain";
      r.stream = [n](std::string& chunk) {
        chunk = "line " + std::to_string((*n)++) + "\n";
        return *n < 3;
      };
      return r;
    }
    r.content_type = "text/plain";
    r.body = req.method + " " + req.path + " q=" + req.Query("q").value_or("-") +
             " auth=" + req.Header("authorization").value_or("-") + " body=" + req.body;
    return r;
  });
  EXPECT_TRUE(server.has_value());
  return std::move(*server);
}

std::string Url(const HttpServer& s, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(s.port()) + std::string(path);
}

TEST(HttpTest, RoundTripDecodesPathQueryHeaders) {
  auto server = StartEcho();
  ASSERT_NE(server->port(), 0);
  ClientRequest req;
  req.method = "POST";
  req.url = Url(*server, "/a%20b?q=x%26y");
  req.headers = {{"Authorization", "Bearer t"}};
  req.body = "{}";
  auto res = Fetch(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "POST /a b q=x&y auth=Bearer t body={}");
}

TEST(HttpTest, OversizedBodyIsFlaggedForHandler) {
  auto server = StartEcho(16);
  ClientRequest req;
  req.method = "POST";
  req.url = Url(*server, "/x");
  req.body = std::string(100, 'a');
  auto res = Fetch(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 413);
}

TEST(HttpTest, StreamedBodyArrivesInChunks) {
  auto server = StartEcho();
  ClientRequest req;
  req.url = Url(*server, "/stream");
  std::string got;
  req.on_chunk = [&](std::string_view c) {
    got += c;
    return true;
  };
  auto res = Fetch(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(got, "line 0\nline 1\nline 2\n");
}

TEST(HttpTest, StopsWithIdleConnectionsQuickly) {
  auto server = StartEcho();
  ClientRequest req;
  req.url = Url(*server, "/");
  ASSERT_TRUE(Fetch(req).has_value());
  auto t0 = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_FALSE(Fetch(req).has_value());
}

TEST(HttpTest, ClientRejectsNonHttpUrls) {
  ClientRequest req;
  req.url = "ftp://x/";
  auto res = Fetch(req);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sparkplane::net
