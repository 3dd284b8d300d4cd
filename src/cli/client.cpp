#include "cli/client.hpp"

#include <cstdio>
#include <cstdlib>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/util.hpp"
#include "net/http.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string FirstOf(const std::string& flag, const char* env, const std::filesystem::path& file) {
  if (!flag.empty()) return flag;
  if (const char* v = std::getenv(env); v && *v) return v;
  auto content = ReadFile(file);
  return content ? Trim(*content) : "";
}

}  // namespace

Result<Client> Client::Connect(ClientOptions options) {
  std::filesystem::path data = options.data_dir;
  options.url = FirstOf(options.url, "SPARKPLANE_URL", data / "server-url");
  options.token = FirstOf(options.token, "SPARKPLANE_TOKEN", data / "admin-token");
  if (options.url.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("no server: pass --url or set SPARKPLANE_URL (no {} found; is "
                            "`sparkplane serve` running with --data-dir {}?)",
                            (data / "server-url").string(), options.data_dir));
  }
  while (!options.url.empty() && options.url.back() == '/') options.url.pop_back();
  if (options.token.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "no API token: pass --token, set SPARKPLANE_TOKEN, or run where DATA_DIR/admin-token is readable");
  }
  Client client(options);
  if (client.options_.cluster.empty()) {
    auto clusters = client.Request("GET", "/ocean/spark/cluster", "{}");
    if (!clusters) return tl::unexpected(clusters.error());
    if (!clusters->is_array() || clusters->as_array().empty()) {
      return Fail(ErrorCode::kNotFound, "the server has no cluster");
    }
    client.options_.cluster = std::string(clusters->as_array()[0].at("id").as_string());
  }
  return client;
}

Result<json::value> Client::Call(const std::string& method, const std::string& path_in_cluster,
                                 const std::string& body) {
  return Request(method, fmt::format("/ocean/spark/cluster/{}/{}", options_.cluster, path_in_cluster), body);
}

Result<json::value> Client::Request(const std::string& method, const std::string& path, const std::string& body) {
  net::ClientRequest req;
  req.method = method;
  req.url = options_.url + path;
  req.headers = {{"Authorization", "Bearer " + options_.token}, {"Content-Type", "application/json"}};
  req.body = body;
  auto res = http_.Send(req);
  if (!res) return tl::unexpected(res.error());
  json::error_code ec;
  json::value v = json::parse(res->body, ec);
  if (ec || !v.is_object()) {
    return Fail(ErrorCode::kInternal, fmt::format("HTTP {} with a body that is not JSON: {}", res->status,
                                                  res->body.substr(0, 200)));
  }
  const auto* response = v.as_object().if_contains("response");
  if (res->status >= 300) {
    std::string message = fmt::format("HTTP {}", res->status);
    if (response && response->is_object()) {
      if (auto* errors = response->as_object().if_contains("errors"); errors && errors->is_array()) {
        for (auto& e : errors->as_array()) {
          if (auto* m = e.as_object().if_contains("message"); m && m->is_string()) {
            message += ": " + std::string(m->as_string());
          }
        }
      }
    }
    ErrorCode code = res->status == 401 ? ErrorCode::kUnauthenticated
                     : res->status == 404 ? ErrorCode::kNotFound
                     : res->status < 500  ? ErrorCode::kInvalidArgument
                                          : ErrorCode::kInternal;
    return Fail(code, message);
  }
  if (!response || !response->is_object() || !response->as_object().contains("items")) {
    return Fail(ErrorCode::kInternal, "reply without response.items");
  }
  return response->as_object().at("items");
}

Status Client::Stream(const std::string& path_in_cluster) {
  net::ClientRequest req;
  req.url = fmt::format("{}/ocean/spark/cluster/{}/{}", options_.url, options_.cluster, path_in_cluster);
  req.headers = {{"Authorization", "Bearer " + options_.token}};
  req.on_chunk = [&](std::string_view chunk) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  auto res = http_.Send(req);
  if (!res) return tl::unexpected(res.error());
  if (res->status >= 300) {
    json::error_code ec;
    auto v = json::parse(res->body, ec);
    std::string message = fmt::format("HTTP {}", res->status);
    if (!ec) {
      try {
        message += ": " + std::string(v.at("response").at("errors").at(0).at("message").as_string());
      } catch (const std::exception&) {
      }
    }
    return Fail(ErrorCode::kInvalidArgument, message);
  }
  return Ok();
}

}  // namespace sparkplane::cli
