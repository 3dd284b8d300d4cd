// Starts the real server on 127.0.0.1:0 and talks to it with the real client.
#include "net/http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace sparkplane::net {
namespace {

std::unique_ptr<HttpServer> StartEcho(size_t max_body = 1024, int threads = 0) {
  ServerOptions options;
  options.max_body_bytes = max_body;
  options.threads = threads;
  options.is_slow = [](const Request& req) { return req.path == "/slow"; };
  auto server = HttpServer::Start(options, [](const Request& req) {
    Response r;
    if (req.path == "/slow") std::this_thread::sleep_for(std::chrono::seconds(2));
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

// Sends raw bytes on one connection and returns everything the server sends until it closes.
std::string RawExchange(const HttpServer& s, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(s.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return got;
}

TEST(HttpTest, KeepAliveContinuesAfterAStreamedReply) {
  auto server = StartEcho();
  std::string got = RawExchange(*server,
                                "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(got.find("line 2"), std::string::npos) << got;
  EXPECT_NE(got.find("GET /after"), std::string::npos) << got;
}

TEST(HttpTest, MalformedRequestGets400) {
  auto server = StartEcho();
  std::string got = RawExchange(*server, "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
}

TEST(HttpTest, SlowRequestsDoNotHoldTheLoop) {
  auto server = StartEcho(1024, /*threads=*/1);
  ClientRequest slow;
  slow.url = Url(*server, "/slow");
  std::thread slow_client([&] { EXPECT_TRUE(Fetch(slow).has_value()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the slow request is in
  ClientRequest fast;
  fast.url = Url(*server, "/fast");
  auto t0 = std::chrono::steady_clock::now();
  auto res = Fetch(fast);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  slow_client.join();
}

TEST(HttpTest, ManyConcurrentClientsAreAllServed) {
  auto server = StartEcho();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 32; ++i) {
    clients.emplace_back([&, i] {
      for (int j = 0; j < 20; ++j) {
        ClientRequest req;
        req.url = Url(*server, "/c?q=" + std::to_string(i * 100 + j));
        auto res = Fetch(req);
        if (res && res->body.find("q=" + std::to_string(i * 100 + j) + " ") != std::string::npos) ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 32 * 20);
}

TEST(HttpTest, KeptAliveClientRecoversWhenTheServerClosedIdleConnection) {
  ServerOptions options;
  options.idle_timeout_seconds = 1;
  auto server = HttpServer::Start(options, [](const Request& req) {
    Response r;
    r.body = req.method + " " + req.path;
    return r;
  });
  ASSERT_TRUE(server.has_value());
  HttpClient client;
  ClientRequest req;
  req.method = "POST";
  req.url = Url(**server, "/one");
  for (int i = 0; i < 20; ++i) {
    auto res = client.Send(req);
    ASSERT_TRUE(res.has_value()) << res.error().message;
    EXPECT_EQ(res->body, "POST /one");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the server drops the connection
  req.url = Url(**server, "/two");
  auto res = client.Send(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->body, "POST /two");
}

TEST(HttpTest, ClientGivesUpAfterItsTimeout) {
  auto server = StartEcho();
  ClientRequest req;
  req.url = Url(*server, "/slow");  // answers after 2 s
  req.timeout_seconds = 1;
  auto t0 = std::chrono::steady_clock::now();
  auto res = Fetch(req);
  EXPECT_FALSE(res.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1800));
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
