#include "cli/client.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/exit_codes.hpp"
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

// The API's error messages joined, or the start of a body that is not the envelope.
std::string ErrorMessages(std::string_view body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  std::string out;
  if (!ec && v.is_object()) {
    auto* response = v.as_object().if_contains("response");
    auto* errors =
        response && response->is_object() ? response->as_object().if_contains("errors") : nullptr;
    if (errors && errors->is_array()) {
      for (auto& e : errors->as_array()) {
        auto* m = e.is_object() ? e.as_object().if_contains("message") : nullptr;
        if (m && m->is_string()) out += (out.empty() ? "" : "; ") + std::string(m->as_string());
      }
    }
  }
  if (out.empty()) out = Trim(std::string(body.substr(0, 200)));
  return out;
}

tl::unexpected<Error> ReplyError(const net::ClientResponse& res) {
  std::string message = ErrorMessages(res.body);
  return Fail(ErrorCodeForHttpStatus(res.status),
              message.empty() ? fmt::format("HTTP {}", res.status)
                              : fmt::format("HTTP {}: {}", res.status, message));
}

}  // namespace

Result<std::string> NormalizeServerUrl(std::string_view url) {
  std::string out(url);
  if (out.find("://") == std::string::npos) out = "http://" + out;
  while (out.size() > out.find("://") + 3 && out.back() == '/') out.pop_back();
  bool known_scheme = out.rfind("http://", 0) == 0 || out.rfind("https://", 0) == 0;
  std::string_view rest = std::string_view(out).substr(out.find("://") + 3);
  if (!known_scheme || rest.empty() || rest.find_first_of("/?# ") != std::string_view::npos) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("--url '{}' must be HOST:PORT, http://HOST:PORT or https://HOST:PORT", url));
  }
  return out;
}

std::string QueryString(const QueryParams& params) {
  std::string out;
  for (auto& [name, value] : params) {
    if (value.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += net::UrlEncode(name) + "=" + net::UrlEncode(value);
  }
  return out;
}

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
  auto url = NormalizeServerUrl(options.url);
  if (!url) return tl::unexpected(url.error());
  options.url = *url;
  if (options.token.empty()) {
    return Fail(
        ErrorCode::kUnauthenticated,
        "no API token: pass --token, set SPARKPLANE_TOKEN, or run where DATA_DIR/admin-token is "
        "readable");
  }
  std::error_code ec;
  if (!options.ca_file.empty() && !std::filesystem::is_regular_file(options.ca_file, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--ca-cert {}: no such file", options.ca_file));
  }
  Client client(options);
  if (client.options_.cluster.empty()) {
    auto clusters = client.CallOcean("GET", "cluster");
    if (!clusters) return tl::unexpected(clusters.error());
    if (!clusters->is_array() || clusters->as_array().empty()) {
      return Fail(ErrorCode::kNotFound, "the server has no cluster");
    }
    auto* id = clusters->as_array()[0].is_object()
                   ? clusters->as_array()[0].as_object().if_contains("id")
                   : nullptr;
    if (!id || !id->is_string())
      return Fail(ErrorCode::kInternal, "the server's cluster has no id");
    client.options_.cluster = std::string(id->as_string());
  }
  return client;
}

Result<net::ClientResponse> Client::Send(const std::string& method, const std::string& path,
                                         const std::string& body) {
  net::ClientRequest req;
  req.method = method;
  req.url = options_.url + path;
  req.headers = {{"Authorization", "Bearer " + options_.token},
                 {"Content-Type", "application/json"}};
  req.body = body;
  auto res = http_.Send(req);
  if (!res) {
    const std::string& message = res.error().message;
    bool unreachable =
        message.rfind("cannot connect", 0) == 0 || message.rfind("cannot resolve", 0) == 0;
    if (!unreachable) return tl::unexpected(res.error());
    return Fail(res.error().code,
                fmt::format("{} (is the server at {} running?)", message, options_.url));
  }
  if (res->status >= 300) return ReplyError(*res);
  return res;
}

Result<json::value> Client::Call(const std::string& method, const std::string& path_in_cluster,
                                 const std::string& body) {
  return CallOcean(method, fmt::format("cluster/{}/{}", options_.cluster, path_in_cluster), body);
}

Result<json::value> Client::CallOcean(const std::string& method, const std::string& path,
                                      const std::string& body) {
  auto res = Send(method, "/ocean/spark/" + path, body);
  if (!res) return tl::unexpected(res.error());
  if (res->status == 204) return json::array{};
  json::error_code ec;
  json::value v = json::parse(res->body, ec);
  const json::value* response =
      !ec && v.is_object() ? v.as_object().if_contains("response") : nullptr;
  const json::value* items =
      response && response->is_object() ? response->as_object().if_contains("items") : nullptr;
  if (!items || !items->is_array()) {
    return Fail(ErrorCode::kInternal, fmt::format("HTTP {} without response.items: {}", res->status,
                                                  res->body.substr(0, 200)));
  }
  return *items;
}

Result<Listing> Client::List(const std::string& path_in_cluster, QueryParams params,
                             int64_t limit) {
  constexpr int64_t kMaxPageSize = 1000;  // the API's bound
  Listing out;
  std::string after;
  while (true) {
    int64_t want = limit > 0
                       ? std::min(kMaxPageSize, limit - static_cast<int64_t>(out.items.size()))
                       : kMaxPageSize;
    QueryParams page_params = params;
    page_params.emplace_back("pageSize", std::to_string(want));
    page_params.emplace_back("after", after);
    auto items = Call("GET", path_in_cluster + QueryString(page_params));
    if (!items) return tl::unexpected(items.error());
    const json::object* page = !items->as_array().empty() && items->as_array()[0].is_object()
                                   ? &items->as_array()[0].as_object()
                                   : nullptr;
    const json::value* rows = page ? page->if_contains("page") : nullptr;
    if (!rows || !rows->is_array())
      return Fail(ErrorCode::kInternal, "a listing reply without a page");
    if (auto* total = page->if_contains("total"); total && total->is_int64())
      out.total = total->as_int64();
    for (auto& row : rows->as_array()) out.items.push_back(row);
    const json::value* next = page->if_contains("after");
    bool full = limit > 0 && static_cast<int64_t>(out.items.size()) >= limit;
    if (full || rows->as_array().empty() || !next || !next->is_string() ||
        next->as_string() == after)
      break;
    after = std::string(next->as_string());
  }
  return out;
}

Result<json::value> Client::GetJson(const std::string& path) {
  auto res = Send("GET", path, "");
  if (!res) return tl::unexpected(res.error());
  json::error_code ec;
  json::value v = json::parse(res->body, ec);
  if (ec) return Fail(ErrorCode::kInternal, fmt::format("{}: the reply is not JSON", path));
  return v;
}

Status Client::Stream(const std::string& path_in_cluster) {
  net::ClientRequest req;
  req.url =
      fmt::format("{}/ocean/spark/cluster/{}/{}", options_.url, options_.cluster, path_in_cluster);
  req.headers = {{"Authorization", "Bearer " + options_.token}};
  req.on_chunk = [&](std::string_view chunk) {
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  auto res = http_.Send(req);
  if (!res) return tl::unexpected(res.error());
  if (res->status >= 300) return ReplyError(*res);
  return Ok();
}

}  // namespace sparkplane::cli
