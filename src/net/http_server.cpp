// Event-loop HTTP/1.1 server: a few loop threads, each running its own io_context, and one
// coroutine per connection on the loop it was assigned to (round robin). Handlers run inline on
// the loop; requests marked slow run on a separate pool; streamed bodies, whose sources may wait
// for data, are written from a thread of their own and the connection returns to its loop
// afterwards. With a certificate, every connection speaks TLS (a handshake first, then the same
// HTTP code over the ssl stream).
#include <sys/socket.h>

#include <cctype>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <fmt/format.h>

#include "net/http.hpp"

#include <cctype>

namespace sparkplane::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
// Upper bound for reading a body or writing a reply once a request has started.
constexpr auto kTransferTimeout = std::chrono::seconds(60);
// How long Stop() lets busy connections finish before shutting their sockets down.
constexpr auto kStopGrace = std::chrono::seconds(5);

Response PlainError(int status, std::string message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(message);
  return r;
}

// Fills path and query from the raw target; false when the target is not a valid origin-form.
bool DecodeTarget(Request& req) {
  auto parsed = boost::urls::parse_origin_form(req.target);
  if (!parsed) return false;
  boost::urls::url_view url = *parsed;
  req.path = std::string(url.encoded_path().decode());
  if (req.path.empty()) req.path = "/";
  for (auto param : url.params()) req.query.emplace(std::string(param.key), std::string(param.value));
  return true;
}

// A parse failure of a request that did arrive (not a closed or timed-out connection).
bool IsMalformedRequest(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

template <class Body>
void SetCommonFields(http::response<Body>& res, const Response& response, bool keep_alive) {
  res.set(http::field::server, "sparkplane");
  if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
  for (auto& [k, v] : response.headers) res.set(k, v);
  res.keep_alive(keep_alive);
}

struct Connection {
  Connection(std::shared_ptr<asio::io_context> context, tcp::socket socket, ssl::context* tls_context)
      : io(std::move(context)) {
    if (tls_context) {
      tls.emplace(std::move(socket), *tls_context);
    } else {
      plain.emplace(std::move(socket));
    }
  }
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  std::shared_ptr<asio::io_context> io;  // outlives the socket even if the server is gone
  std::optional<beast::tcp_stream> plain;  // exactly one of plain and tls
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::string remote;
  bool idle = false;  // waiting for the next request; guarded by Server::mutex_
};
using ConnectionPtr = std::shared_ptr<Connection>;

class Server final : public HttpServer {
 public:
  Server(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        loops_(MakeLoops(options_.threads)),
        acceptor_(loops_.front().io->get_executor()),
        slow_pool_(static_cast<size_t>(std::max(1, options_.slow_threads))) {}

  ~Server() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) SPARKPLANE_TRY(LoadTls());
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, fmt::format("bad listen host '{}'", options_.host));
    tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      std::string why = ec.message();  // "Address already in use" → "address already in use"
      if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
      return Fail(ErrorCode::kIo, fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port, why));
    }
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), asio::detached);
    for (auto& loop : loops_) threads_.emplace_back([io = loop.io] { io->run(); });
    return Ok();
  }

  uint16_t port() const override { return port_; }

  void Stop() override {
    std::lock_guard stop_lock(stop_mutex_);
    if (threads_.empty()) return;
    stopping_ = true;
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    {
      std::unique_lock lock(mutex_);
      // Idle keep-alive connections end at once; busy ones finish their request first.
      for (auto& c : connections_) {
        if (c->idle) ShutdownSocket(*c);
      }
      if (!drained_.wait_for(lock, kStopGrace, [&] { return connections_.empty(); })) {
        for (auto& c : connections_) ShutdownSocket(*c);
        // Every write now fails, and chunk sources return within about a second.
        drained_.wait(lock, [&] { return connections_.empty(); });
      }
    }
    for (auto& loop : loops_) {
      loop.work.reset();
      loop.io->stop();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    slow_pool_.join();
    beast::error_code ignored;
    acceptor_.close(ignored);  // in case the loop stopped before the posted close ran
  }

 private:
  // Thread-safe at the OS level; the socket object itself is left to its owner. Callers hold
  // mutex_, and connections leave connections_ before their socket is closed, so the
  // descriptor is still this connection's.
  static void ShutdownSocket(Connection& c) { ::shutdown(c.tcp().socket().native_handle(), SHUT_RDWR); }

  Status LoadTls() {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "TLS needs both a certificate and its private key");
    }
    tls_context_.emplace(ssl::context::tls_server);
    tls_context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                              ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    tls_context_->use_certificate_chain_file(options_.tls_cert_file, ec);
    if (ec) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("cannot use the TLS certificate {}: {} (a PEM certificate chain is expected)",
                              options_.tls_cert_file, ec.message()));
    }
    tls_context_->use_private_key_file(options_.tls_key_file, ssl::context::pem, ec);
    if (ec) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("cannot use the TLS key {}: {} (an unencrypted PEM key matching the certificate is "
                              "expected)",
                              options_.tls_key_file, ec.message()));
    }
    if (SSL_CTX_check_private_key(tls_context_->native_handle()) != 1) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("the TLS key {} does not match the certificate {}",
                                                           options_.tls_key_file, options_.tls_cert_file));
    }
    return Ok();
  }

  asio::awaitable<void> AcceptLoop() {
    while (!stopping_) {
      Loop& loop = loops_[next_loop_++ % loops_.size()];
      tcp::socket socket(loop.io->get_executor());
      auto [ec] = co_await acceptor_.async_accept(socket, kAwait);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) break;
        // Out of descriptors or similar: back off instead of spinning.
        asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(10));
        co_await pause.async_wait(kAwait);
        continue;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto conn = std::make_shared<Connection>(loop.io, std::move(socket), tls_context_ ? &*tls_context_ : nullptr);
      auto peer = conn->tcp().socket().remote_endpoint(ignored);
      if (!ignored) conn->remote = peer.address().to_string();
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
        connections_.insert(conn);
      }
      asio::co_spawn(conn->tcp().get_executor(), Session(conn, true), asio::detached);
    }
  }

  void SetIdle(Connection& c, bool idle) {
    std::lock_guard lock(mutex_);
    c.idle = idle;
    if (idle && stopping_) ShutdownSocket(c);
  }

  void Close(const ConnectionPtr& conn) {
    {
      std::lock_guard lock(mutex_);
      connections_.erase(conn);
    }
    beast::error_code ignored;
    conn->tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    conn->tcp().socket().close(ignored);
    std::lock_guard lock(mutex_);
    if (connections_.empty()) drained_.notify_all();
  }

  // Serves the connection (after the TLS handshake when `fresh`) until it ends or a streamed
  // reply takes it over.
  asio::awaitable<void> Session(ConnectionPtr conn, bool fresh) {
    bool handed_off = false;
    if (conn->tls) {
      bool ready = !fresh;
      if (fresh) {
        conn->tcp().expires_after(kTransferTimeout);
        auto [ec] = co_await conn->tls->async_handshake(ssl::stream_base::server, kAwait);
        ready = !ec;  // e.g. a plain-http client: nothing can be answered
      }
      if (ready) handed_off = co_await ServeRequests(conn, *conn->tls);
    } else {
      handed_off = co_await ServeRequests(conn, *conn->plain);
    }
    if (!handed_off) Close(conn);
  }

  // Serves requests until the connection ends (false) or a streamed reply takes it over (true).
  template <class Stream>
  asio::awaitable<bool> ServeRequests(const ConnectionPtr& conn, Stream& stream) {
    auto& tcp_stream = beast::get_lowest_layer(stream);
    while (!stopping_) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(boost::none);  // checked below, so an oversized request still gets a reply
      parser.header_limit(64 * 1024);
      SetIdle(*conn, true);
      tcp_stream.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
      auto [ec, unused] = co_await http::async_read_header(stream, conn->buffer, parser, kAwait);
      SetIdle(*conn, false);
      if (ec) {
        if (IsMalformedRequest(ec)) {
          co_await WriteSimple(stream, PlainError(400, "malformed HTTP request"), 11, false);
        }
        co_return false;
      }
      bool too_large = false;
      if (parser.content_length() && *parser.content_length() > options_.max_body_bytes) {
        too_large = true;
      } else {
        parser.body_limit(options_.max_body_bytes);
        tcp_stream.expires_after(kTransferTimeout);
        auto [body_ec, read] = co_await http::async_read(stream, conn->buffer, parser, kAwait);
        if (body_ec == http::error::body_limit) {
          too_large = true;
        } else if (body_ec) {
          co_return false;
        }
      }
      auto& raw = parser.get();
      bool keep_alive = raw.keep_alive() && !too_large && !stopping_;
      Request req;
      req.method = std::string(raw.method_string());
      req.target = std::string(raw.target());
      req.remote_address = conn->remote;
      for (auto& field : raw) req.headers[std::string(field.name_string())] = std::string(field.value());
      req.body_too_large = too_large;
      if (!too_large) req.body = std::move(raw.body());
      Response response;
      if (!DecodeTarget(req)) {
        response = PlainError(400, "malformed request target");
      } else if (options_.is_slow && options_.is_slow(req)) {
        // Runs on the slow pool; this coroutine resumes on its loop with the result.
        response = co_await asio::co_spawn(
            slow_pool_.get_executor(), [this, &req]() -> asio::awaitable<Response> { co_return Handle(req); },
            asio::use_awaitable);
      } else {
        response = Handle(req);
      }
      if (response.stream) {
        tcp_stream.expires_never();
        HandOffStream(conn, std::move(response), raw.version(), keep_alive);
        co_return true;
      }
      if (!co_await WriteSimple(stream, std::move(response), raw.version(), keep_alive)) co_return false;
      if (too_large) {
        co_await DiscardUnreadBody(stream, conn->buffer);
        co_return false;
      }
      if (!keep_alive) co_return false;
    }
    co_return false;
  }

  Response Handle(const Request& req) {
    try {
      return handler_(req);
    } catch (const std::exception&) {
      return PlainError(500, "internal error");
    }
  }

  template <class Stream>
  static asio::awaitable<bool> WriteSimple(Stream& stream, Response response, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(response.status), version};
    SetCommonFields(res, response, keep_alive);
    res.body() = std::move(response.body);
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(kTransferTimeout);
    auto [ec, written] = co_await http::async_write(stream, res, kAwait);
    co_return !ec;
  }

  // Reads and drops what the client still sends so that closing does not reset the connection
  // before it has read the 413.
  template <class Stream>
  static asio::awaitable<void> DiscardUnreadBody(Stream& stream, beast::flat_buffer& buffer) {
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
    for (size_t total = 0; total < (64u << 20);) {
      buffer.clear();
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(16 * 1024), kAwait);
      if (ec) break;
      total += n;
    }
  }

  // A chunk source may wait for data, so the reply is written from a thread of its own; the
  // connection then goes back to the loop (keep-alive) or is closed.
  void HandOffStream(ConnectionPtr conn, Response response, unsigned version, bool keep_alive) {
    std::thread([this, conn = std::move(conn), response = std::move(response), version, keep_alive]() mutable {
      bool complete = conn->tls ? WriteStream(*conn->tls, response, version, keep_alive)
                                : WriteStream(*conn->plain, response, version, keep_alive);
      response.stream = nullptr;  // release the source's resources before the connection idles
      if (complete && keep_alive && !stopping_) {
        asio::co_spawn(conn->tcp().get_executor(), Session(conn, false), asio::detached);
      } else {
        Close(conn);
      }
    }).detach();
  }

  // Blocking chunked write; false when the connection failed or the server stopped midway.
  template <class Stream>
  bool WriteStream(Stream& stream, Response& response, unsigned version, bool keep_alive) {
    http::response<http::empty_body> res{static_cast<http::status>(response.status), version};
    SetCommonFields(res, response, keep_alive);
    res.chunked(true);
    http::response_serializer<http::empty_body> sr{res};
    beast::error_code ec;
    http::write_header(stream, sr, ec);
    if (ec) return false;
    std::string chunk;
    while (!stopping_) {
      chunk.clear();
      bool more = response.stream(chunk);
      if (!chunk.empty()) {
        asio::write(stream, http::make_chunk(asio::buffer(chunk)), ec);
        if (ec) return false;
      }
      if (!more) {
        asio::write(stream, http::make_chunk_last(), ec);
        return !ec;
      }
    }
    return false;
  }

  ServerOptions options_;
  Handler handler_;
  struct Loop {
    std::shared_ptr<asio::io_context> io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  };
  static std::vector<Loop> MakeLoops(int threads) {
    if (threads <= 0) threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
    std::vector<Loop> loops(static_cast<size_t>(threads));
    for (auto& loop : loops) {
      loop.io = std::make_shared<asio::io_context>(1);
      loop.work.emplace(loop.io->get_executor());
    }
    return loops;
  }

  std::vector<Loop> loops_;  // one io_context and thread each
  size_t next_loop_ = 0;     // used by the accept loop only
  tcp::acceptor acceptor_;
  std::optional<ssl::context> tls_context_;  // set when serving https
  std::vector<std::thread> threads_;
  asio::thread_pool slow_pool_;
  std::mutex stop_mutex_;
  std::atomic<bool> stopping_{false};
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable drained_;
  std::set<ConnectionPtr> connections_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<Server>(options, std::move(handler));
  if (auto st = server->Listen(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace sparkplane::net
