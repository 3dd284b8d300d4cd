// Plain HTTP/1.1 request/response types and a blocking server and client. Nothing outside net/
// sees Boost.Beast: handlers take a Request and return a Response.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::net {

struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // raw request target, e.g. "/a/b?x=1"
  std::string path;    // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // percent-decoded
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  std::string remote_address;
  // Set when the body exceeded ServerOptions::max_body_bytes: `body` is empty and the handler
  // must answer 413; the connection is closed afterwards.
  bool body_too_large = false;

  // First value of a query parameter / header, if present.
  std::optional<std::string> Query(std::string_view name) const;
  std::optional<std::string> Header(std::string_view name) const;
};

// Pulls the next chunk of a streamed body into `chunk`; returns false once the body is complete.
// Called on a thread of its own. It may wait for data (e.g. a log to grow) but must return
// within about a second: an empty chunk with `true` means "nothing yet, call again".
using ChunkSource = std::function<bool(std::string& chunk)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  ChunkSource stream;  // when set, the body is sent chunked from this source instead of `body`
};

// Called concurrently from the server's loop threads; must be thread-safe. Slow handlers hold a
// loop thread, so keep waiting out of handlers (stream instead).
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = pick a free port
  size_t max_body_bytes = 8u << 20;
  int idle_timeout_seconds = 60;
  // Loop threads; 0 = half the hardware threads, at least one (slow requests and streams have
  // threads of their own, and the other cores are left to the Spark drivers).
  int threads = 0;
  // Requests for which this returns true (e.g. ones that may replay a large event log) are
  // handled on a separate pool of `slow_threads`, so they never hold a loop thread.
  std::function<bool(const Request&)> is_slow;
  int slow_threads = 4;
  // Both set: every connection speaks TLS 1.2+ with this PEM certificate chain and unencrypted
  // PEM private key (Start fails with kInvalidArgument if they cannot be used); both empty: http.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Event-loop HTTP/1.1 server with keep-alive. Malformed requests get 400 without reaching the
// handler.
class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options, Handler handler);
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to a few seconds), closes connections.
  virtual void Stop() = 0;
};

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://host:port/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int timeout_seconds = 60;
  // When set and the status is 2xx, body chunks are delivered here as they arrive
  // (ClientResponse.body stays empty); return false to stop reading. Other statuses are buffered.
  std::function<bool(std::string_view chunk)> on_chunk;
};

// How an https client trusts servers: it always verifies the certificate chain and that the
// certificate names the host (DNS name or IP address).
struct TlsClientOptions {
  std::string ca_file;  // PEM CA certificates (or a self-signed server certificate); empty: the system's
};

// Blocking HTTP/1.1 client (http and https) that keeps its connection open between requests to
// the same scheme, host and port while the server allows it. A request that finds a reused
// connection already closed by the server is sent once more on a new one. Not thread-safe.
class HttpClient {
 public:
  HttpClient();
  explicit HttpClient(TlsClientOptions tls);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  Result<ClientResponse> Send(const ClientRequest& request);

  struct Connection;  // opaque: the socket and TLS state, in http_client.cpp

 private:
  std::unique_ptr<Connection> connection_;
};

// One request on a connection of its own.
Result<ClientResponse> Fetch(const ClientRequest& request);

// Percent-encodes a query-string component.
std::string UrlEncode(std::string_view s);

}  // namespace sparkplane::net
