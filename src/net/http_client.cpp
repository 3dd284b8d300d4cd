#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include "net/http.hpp"

namespace sparkplane::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

Result<ClientResponse> Fetch(const ClientRequest& request) {
  auto parsed = boost::urls::parse_uri(request.url);
  if (!parsed || parsed->scheme() != "http") {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not an http:// URL", request.url));
  }
  std::string host(parsed->host());
  std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target(parsed->encoded_resource());
  if (target.empty()) target = "/";

  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("cannot resolve {}: {}", host, ec.message()));
  stream.expires_after(std::chrono::seconds(request.timeout_seconds));
  stream.connect(endpoints, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot connect to {}:{}: {}", host, port, ec.message()));
  }
  http::request<http::string_body> req{http::string_to_verb(request.method), target, 11};
  if (req.method() == http::verb::unknown) req.method_string(request.method);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "sparkplane-cli");
  for (auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("cannot send request: {}", ec.message()));

  beast::flat_buffer buffer;
  ClientResponse out;
  if (!request.on_chunk) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 32);
    http::read(stream, buffer, parser, ec);
    if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("cannot read reply: {}", ec.message()));
    auto& res = parser.get();
    out.status = res.result_int();
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
  } else {
    // Streamed: read the header, then hand each piece of body to the callback as it arrives.
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    stream.expires_never();
    http::read_header(stream, buffer, parser, ec);
    if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("cannot read reply: {}", ec.message()));
    out.status = parser.get().result_int();
    out.content_type = std::string(parser.get()[http::field::content_type]);
    char chunk[16 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      http::read(stream, buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("stream broke: {}", ec.message()));
      size_t n = sizeof chunk - parser.get().body().size;
      if (n == 0) continue;
      if (out.status >= 300) {
        out.body.append(chunk, n);
      } else if (!request.on_chunk(std::string_view(chunk, n))) {
        break;
      }
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace sparkplane::net
