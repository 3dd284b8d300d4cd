#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include "net/http.hpp"

namespace sparkplane::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  std::string host, port;  // what `stream` is connected to
  bool open = false;

  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.clear();
    open = false;
  }
};

namespace {

struct Target {
  std::string host, port, resource;
};

Result<Target> ParseUrl(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http") {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not an http:// URL", url));
  }
  Target t{std::string(parsed->host()), parsed->has_port() ? std::string(parsed->port()) : "80",
           std::string(parsed->encoded_resource())};
  if (t.resource.empty()) t.resource = "/";
  return t;
}

// How one attempt ended: a reply, or an error and whether the request may be sent again
// (nothing of the reply arrived on a connection the server may have closed while idle).
struct Attempt {
  Result<ClientResponse> result;
  bool retry = false;
};

// Runs one asynchronous operation to completion on the connection's own io_context, so the
// stream's expiry (set by the caller) bounds it; sync Beast calls would ignore it.
template <class Start>
beast::error_code Run(asio::io_context& io, Start&& start) {
  beast::error_code result;
  start([&](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

}  // namespace

HttpClient::HttpClient() : connection_(std::make_unique<Connection>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) {
  auto target = ParseUrl(request.url);
  if (!target) return tl::unexpected(target.error());
  Connection& c = *connection_;
  if (c.open && (c.host != target->host || c.port != target->port)) c.Close();

  auto attempt = [&]() -> Attempt {
    beast::error_code ec;
    bool reused = c.open;
    if (!c.open) {
      tcp::resolver resolver(c.io);
      auto endpoints = resolver.resolve(target->host, target->port, ec);
      if (ec) {
        return {Fail(ErrorCode::kUnavailable, fmt::format("cannot resolve {}: {}", target->host, ec.message()))};
      }
      c.stream.expires_after(std::chrono::seconds(request.timeout_seconds));
      ec = Run(c.io, [&](auto done) { c.stream.async_connect(endpoints, done); });
      if (ec) {
        return {Fail(ErrorCode::kUnavailable,
                     fmt::format("cannot connect to {}:{}: {}", target->host, target->port, ec.message()))};
      }
      c.host = target->host;
      c.port = target->port;
      c.open = true;
    }
    http::request<http::string_body> req{http::string_to_verb(request.method), target->resource, 11};
    if (req.method() == http::verb::unknown) req.method_string(request.method);
    req.set(http::field::host, target->host);
    req.set(http::field::user_agent, "sparkplane-cli");
    for (auto& [k, v] : request.headers) req.set(k, v);
    req.body() = request.body;
    req.prepare_payload();
    c.stream.expires_after(std::chrono::seconds(request.timeout_seconds));
    ec = Run(c.io, [&](auto done) { http::async_write(c.stream, req, done); });
    if (ec) return {Fail(ErrorCode::kUnavailable, fmt::format("cannot send request: {}", ec.message())), reused};

    ClientResponse out;
    bool keep_alive = false;
    if (!request.on_chunk) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(1ull << 32);
      ec = Run(c.io, [&](auto done) { http::async_read(c.stream, c.buffer, parser, done); });
      if (ec) {
        bool nothing_arrived = !parser.got_some();
        return {Fail(ErrorCode::kUnavailable, fmt::format("cannot read reply: {}", ec.message())),
                reused && nothing_arrived};
      }
      auto& res = parser.get();
      out.status = res.result_int();
      out.content_type = std::string(res[http::field::content_type]);
      out.body = std::move(res.body());
      keep_alive = res.keep_alive();
    } else {
      // Streamed: read the header, then hand each piece of body to the callback as it arrives.
      http::response_parser<http::buffer_body> parser;
      parser.body_limit(boost::none);
      c.stream.expires_after(std::chrono::seconds(request.timeout_seconds));
      ec = Run(c.io, [&](auto done) { http::async_read_header(c.stream, c.buffer, parser, done); });
      c.stream.expires_never();  // a followed log may stay quiet for long
      if (ec) {
        return {Fail(ErrorCode::kUnavailable, fmt::format("cannot read reply: {}", ec.message())),
                reused && !parser.got_some()};
      }
      out.status = parser.get().result_int();
      out.content_type = std::string(parser.get()[http::field::content_type]);
      char chunk[16 * 1024];
      bool stopped = false;
      while (!parser.is_done()) {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        ec = Run(c.io, [&](auto done) { http::async_read(c.stream, c.buffer, parser, done); });
        if (ec == http::error::need_buffer) ec = {};
        if (ec) return {Fail(ErrorCode::kUnavailable, fmt::format("stream broke: {}", ec.message()))};
        size_t n = sizeof chunk - parser.get().body().size;
        if (n == 0) continue;
        if (out.status >= 300) {
          out.body.append(chunk, n);
        } else if (!request.on_chunk(std::string_view(chunk, n))) {
          stopped = true;
          break;
        }
      }
      keep_alive = !stopped && parser.get().keep_alive();
    }
    if (!keep_alive) c.Close();
    return {std::move(out)};
  };

  Attempt first = attempt();
  if (first.result) return std::move(first.result);
  c.Close();
  if (!first.retry) return std::move(first.result);
  Attempt second = attempt();
  if (!second.result) c.Close();
  return std::move(second.result);
}

Result<ClientResponse> Fetch(const ClientRequest& request) {
  HttpClient client;
  return client.Send(request);
}

}  // namespace sparkplane::net
