#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <optional>

#include <fmt/format.h>

#include "net/http.hpp"

namespace sparkplane::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct HttpClient::Connection {
  explicit Connection(TlsClientOptions options) : tls_options(std::move(options)) {}
  asio::io_context io;
  TlsClientOptions tls_options;
  std::optional<ssl::context> tls_context;  // made on the first https request
  std::optional<beast::tcp_stream> plain;    // exactly one of plain and tls while open
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::string scheme, host, port;  // what the stream is connected to
  bool open = false;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  void Close() {
    if (plain || tls) {
      beast::error_code ignored;
      tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp().close();
    }
    plain.reset();
    tls.reset();
    buffer.clear();
    open = false;
  }
};

namespace {

struct Target {
  std::string scheme, host, port, resource;
};

Result<Target> ParseUrl(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not an http:// or https:// URL", url));
  }
  std::string scheme(parsed->scheme());
  Target t{scheme, std::string(parsed->host()),
           parsed->has_port() ? std::string(parsed->port()) : (scheme == "https" ? "443" : "80"),
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

Result<ssl::context*> TlsContext(HttpClient::Connection& c) {
  if (c.tls_context) return &*c.tls_context;
  ssl::context context(ssl::context::tls_client);
  beast::error_code ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context.set_verify_mode(ssl::verify_peer);
  if (c.tls_options.ca_file.empty()) {
    context.set_default_verify_paths(ec);
  } else {
    context.load_verify_file(c.tls_options.ca_file, ec);
  }
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("cannot load the CA certificates {}: {}",
                            c.tls_options.ca_file.empty() ? "of this system" : c.tls_options.ca_file, ec.message()));
  }
  c.tls_context.emplace(std::move(context));
  return &*c.tls_context;
}

// Connects (and for https shakes hands) to `target`; the stream is left in c.plain or c.tls.
Result<void> Open(HttpClient::Connection& c, const Target& target, int timeout_seconds) {
  beast::error_code ec;
  tcp::resolver resolver(c.io);
  auto endpoints = resolver.resolve(target.host, target.port, ec);
  if (ec) return Fail(ErrorCode::kUnavailable, fmt::format("cannot resolve {}: {}", target.host, ec.message()));
  if (target.scheme == "https") {
    auto context = TlsContext(c);
    if (!context) return tl::unexpected(context.error());
    c.tls.emplace(c.io, **context);
  } else {
    c.plain.emplace(c.io);
  }
  c.tcp().expires_after(std::chrono::seconds(timeout_seconds));
  ec = Run(c.io, [&](auto done) { c.tcp().async_connect(endpoints, done); });
  if (ec) {
    c.Close();
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot connect to {}:{}: {}", target.host, target.port, ec.message()));
  }
  if (c.tls) {
    // SNI, and the certificate must name the host (a DNS name or an IP address).
    SSL_set_tlsext_host_name(c.tls->native_handle(), target.host.c_str());
    c.tls->set_verify_callback(ssl::host_name_verification(target.host));
    ec = Run(c.io, [&](auto done) { c.tls->async_handshake(ssl::stream_base::client, done); });
    if (ec) {
      c.Close();
      return Fail(ErrorCode::kUnavailable,
                  fmt::format("TLS handshake with {}:{} failed: {} (does the server's certificate name {} and "
                              "come from a CA this client trusts? --ca-cert FILE trusts another one)",
                              target.host, target.port, ec.message(), target.host));
    }
  }
  c.scheme = target.scheme;
  c.host = target.host;
  c.port = target.port;
  c.open = true;
  return {};
}

// Sends the request and reads the reply on an open stream.
template <class Stream>
Attempt Exchange(HttpClient::Connection& c, Stream& stream, const ClientRequest& request, const Target& target,
                 bool reused) {
  beast::error_code ec;
  http::request<http::string_body> req{http::string_to_verb(request.method), target.resource, 11};
  if (req.method() == http::verb::unknown) req.method_string(request.method);
  req.set(http::field::host, target.host);
  req.set(http::field::user_agent, "sparkplane-cli");
  for (auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  c.tcp().expires_after(std::chrono::seconds(request.timeout_seconds));
  ec = Run(c.io, [&](auto done) { http::async_write(stream, req, done); });
  if (ec) return {Fail(ErrorCode::kUnavailable, fmt::format("cannot send request: {}", ec.message())), reused};

  ClientResponse out;
  bool keep_alive = false;
  if (!request.on_chunk) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 32);
    ec = Run(c.io, [&](auto done) { http::async_read(stream, c.buffer, parser, done); });
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
    c.tcp().expires_after(std::chrono::seconds(request.timeout_seconds));
    ec = Run(c.io, [&](auto done) { http::async_read_header(stream, c.buffer, parser, done); });
    c.tcp().expires_never();  // a followed log may stay quiet for long
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
      ec = Run(c.io, [&](auto done) { http::async_read(stream, c.buffer, parser, done); });
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
}

}  // namespace

HttpClient::HttpClient() : HttpClient(TlsClientOptions{}) {}
HttpClient::HttpClient(TlsClientOptions tls) : connection_(std::make_unique<Connection>(std::move(tls))) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) {
  auto target = ParseUrl(request.url);
  if (!target) return tl::unexpected(target.error());
  Connection& c = *connection_;
  if (c.open && (c.scheme != target->scheme || c.host != target->host || c.port != target->port)) c.Close();

  auto attempt = [&]() -> Attempt {
    bool reused = c.open;
    if (!c.open) {
      if (auto opened = Open(c, *target, request.timeout_seconds); !opened) return {tl::unexpected(opened.error())};
    }
    return c.tls ? Exchange(c, *c.tls, request, *target, reused) : Exchange(c, *c.plain, request, *target, reused);
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
