#include "api/console.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "api/console_assets.hpp"

namespace sparkplane::api {
namespace {

// Paths the API owns; everything else a browser GETs is the console's.
constexpr std::string_view kApiPrefixes[] = {"/ocean/", "/api/", "/console/session", "/healthz",
                                             "/metrics"};

const ConsoleAsset* Find(std::string_view path) {
  auto assets = ConsoleAssets();
  auto it = std::find_if(assets.begin(), assets.end(),
                         [&](const ConsoleAsset& a) { return a.path == path; });
  return it == assets.end() ? nullptr : &*it;
}

// "gzip" listed in Accept-Encoding with a q-value above zero (or none).
bool AcceptsGzip(const net::Request& request) {
  std::string accept = request.Header("accept-encoding").value_or("");
  std::transform(accept.begin(), accept.end(), accept.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  size_t at = accept.find("gzip");
  if (at == std::string::npos) return false;
  std::string item = accept.substr(at, accept.find(',', at) - at);
  std::erase(item, ' ');
  size_t q = item.find(";q=");
  return q == std::string::npos || std::strtod(item.c_str() + q + 3, nullptr) > 0;
}

net::Response Reply(const net::Request& request, const ConsoleAsset& asset) {
  net::Response r;
  AddConsoleSecurityHeaders(r);
  r.headers.emplace_back("Cache-Control",
                         asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("ETag", std::string(asset.etag));
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (request.Header("if-none-match").value_or("") == asset.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = std::string(asset.content_type);
  if (!asset.gzip.empty() && AcceptsGzip(request)) {
    r.body = std::string(asset.gzip);
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = std::string(asset.body);
  }
  return r;
}

}  // namespace

void AddConsoleSecurityHeaders(net::Response& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src "
      "'self'; "
      "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
}

std::optional<net::Response> ServeConsole(const net::Request& request) {
  if (request.method != "GET") return std::nullopt;
  const std::string& path = request.path;
  for (auto prefix : kApiPrefixes) {
    if (path.rfind(prefix, 0) == 0) return std::nullopt;
  }
  if (const ConsoleAsset* asset = Find(path == "/" ? "/index.html" : std::string_view(path))) {
    return Reply(request, *asset);
  }
  // A missing file (an old hashed asset, a typo) is a 404; any other path is a page of the app.
  std::string_view last = std::string_view(path).substr(path.rfind('/') + 1);
  if (path.rfind("/assets/", 0) == 0 || last.find('.') != std::string_view::npos) {
    net::Response r;
    AddConsoleSecurityHeaders(r);
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "not found: " + path + "\n";
    return r;
  }
  const ConsoleAsset* index = Find("/index.html");
  if (!index) return std::nullopt;
  return Reply(request, *index);
}

}  // namespace sparkplane::api
