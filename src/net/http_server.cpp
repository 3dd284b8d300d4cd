#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <fmt/format.h>

#include "net/http.hpp"

namespace sparkplane::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

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

class Server final : public HttpServer {
 public:
  Server(ServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)), acceptor_(io_) {}

  ~Server() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, fmt::format("bad listen host '{}'", options_.host));
    tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Fail(ErrorCode::kIo, fmt::format("cannot listen on {}:{}: {}", options_.host,
                                               options_.port, ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
    return Ok();
  }

  uint16_t port() const override { return port_; }

  void Stop() override {
    if (stopping_.exchange(true)) {
      if (accept_thread_.joinable()) accept_thread_.join();
      return;
    }
    beast::error_code ec;
    // A blocking accept() is woken on Linux by shutting the listening socket down.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    if (accept_thread_.joinable()) accept_thread_.join();
    acceptor_.close(ec);
    if (accept_thread_.joinable()) accept_thread_.join();
    // Idle keep-alive connections are shut down at once; busy ones get a grace period.
    std::unique_lock lock(mutex_);
    for (auto* socket : idle_) {
      beast::error_code ignored;
      socket->shutdown(tcp::socket::shutdown_both, ignored);
    }
    if (!drained_.wait_for(lock, std::chrono::seconds(5), [&] { return active_ == 0; })) {
      for (auto* socket : sockets_) {
        beast::error_code ignored;
        socket->shutdown(tcp::socket::shutdown_both, ignored);
      }
      drained_.wait_for(lock, std::chrono::seconds(5), [&] { return active_ == 0; });
    }
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) {
        if (stopping_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        ++active_;
      }
      std::thread([this, s = std::move(socket)]() mutable { Serve(std::move(s)); }).detach();
    }
  }

  void SetIdle(tcp::socket* socket, bool idle) {
    std::lock_guard lock(mutex_);
    if (idle) {
      idle_.insert(socket);
      if (stopping_) {
        beast::error_code ignored;
        socket->shutdown(tcp::socket::shutdown_both, ignored);
      }
    } else {
      idle_.erase(socket);
    }
  }

  void Serve(tcp::socket socket) {
    {
      std::lock_guard lock(mutex_);
      sockets_.insert(&socket);
    }
    // Idle keep-alive connections are closed after idle_timeout_seconds.
    struct timeval tv {
      options_.idle_timeout_seconds, 0
    };
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    beast::flat_buffer buffer;
    std::string remote;
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();

    while (!stopping_) {
      SetIdle(&socket, true);
      http::request_parser<http::string_body> parser;
      parser.body_limit(boost::none);  // checked below, so an oversized request still gets a reply
      parser.header_limit(64 * 1024);
      http::read_header(socket, buffer, parser, ec);
      SetIdle(&socket, false);
      if (ec) break;
      bool too_large = false;
      if (parser.content_length() && *parser.content_length() > options_.max_body_bytes) {
        too_large = true;
      } else {
        parser.body_limit(options_.max_body_bytes);
        http::read(socket, buffer, parser, ec);
        if (ec == http::error::body_limit) {
          too_large = true;
        } else if (ec) {
          break;
        }
      }
      auto& raw = parser.get();
      bool keep_alive = raw.keep_alive() && !too_large && !stopping_;
      Request req;
      req.method = std::string(raw.method_string());
      req.target = std::string(raw.target());
      req.remote_address = remote;
      for (auto& field : raw) req.headers[std::string(field.name_string())] = std::string(field.value());
      req.body_too_large = too_large;
      if (!too_large) req.body = std::move(raw.body());
      Response response =
          DecodeTarget(req) ? handler_(req) : PlainError(400, "malformed request target");
      if (!Write(socket, response, raw.version(), keep_alive)) break;
      if (too_large) DiscardUnreadBody(socket);
      if (!keep_alive) break;
    }
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
    std::lock_guard lock(mutex_);
    sockets_.erase(&socket);
    idle_.erase(&socket);
    if (--active_ == 0) drained_.notify_all();
  }

  // Reads and drops what the client still sends so that closing does not reset the connection
  // before it has read the 413.
  static void DiscardUnreadBody(tcp::socket& socket) {
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    struct timeval tv {
      1, 0
    };
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char sink[16 * 1024];
    for (size_t total = 0; total < (64u << 20);) {
      size_t n = socket.read_some(asio::buffer(sink), ec);
      if (ec) break;
      total += n;
    }
  }

  static bool Write(tcp::socket& socket, Response& response, unsigned version, bool keep_alive) {
    beast::error_code ec;
    if (!response.stream) {
      http::response<http::string_body> res{static_cast<http::status>(response.status), version};
      res.set(http::field::server, "sparkplane");
      if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
      for (auto& [k, v] : response.headers) res.set(k, v);
      res.keep_alive(keep_alive);
      res.body() = std::move(response.body);
      res.prepare_payload();
      http::write(socket, res, ec);
      return !ec;
    }
    http::response<http::empty_body> res{static_cast<http::status>(response.status), version};
    res.set(http::field::server, "sparkplane");
    res.set(http::field::content_type, response.content_type);
    for (auto& [k, v] : response.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.chunked(true);
    http::response_serializer<http::empty_body> sr{res};
    http::write_header(socket, sr, ec);
    if (ec) return false;
    std::string chunk;
    while (true) {
      chunk.clear();
      bool more = response.stream(chunk);
      if (!chunk.empty()) {
        asio::write(socket, http::make_chunk(asio::buffer(chunk)), ec);
        if (ec) return false;
      }
      if (!more) break;
    }
    asio::write(socket, http::make_chunk_last(), ec);
    return !ec;
  }

 private:
  ServerOptions options_;
  Handler handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable drained_;
  int active_ = 0;
  std::set<tcp::socket*> sockets_;
  std::set<tcp::socket*> idle_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<Server>(options, std::move(handler));
  if (auto st = server->Listen(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace sparkplane::net
