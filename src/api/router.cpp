#include "api/router.hpp"

#include <fmt/format.h>

#include "api/envelope.hpp"

namespace sparkplane::api {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    if (slash != 0) out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::Add(std::string method, std::string_view pattern, RouteHandler handler) {
  Route route{std::move(method), SplitPath(pattern), 0, std::move(handler)};
  for (auto& s : route.segments) route.literals += s.front() != '{';
  routes_.push_back(std::move(route));
}

net::Response Router::Dispatch(const net::Request& request, std::string_view path) const {
  auto segments = SplitPath(path);
  const Route* best = nullptr;
  PathParams best_params;
  std::string allowed;
  int best_literals = -1;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      if (route.segments[i].front() == '{') {
        params.push_back(segments[i]);
      } else {
        match = route.segments[i] == segments[i];
      }
    }
    if (!match) continue;
    if (route.method != request.method) {
      if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    if (route.literals > best_literals) {
      best = &route;
      best_literals = route.literals;
      best_params = std::move(params);
    }
  }
  if (best) return best->handler(request, best_params);
  if (!allowed.empty()) {
    auto r = ErrorEnvelope(request, {ErrorCode::kInvalidArgument,
                                     fmt::format("{} is not allowed on {}; use {}", request.method, request.path, allowed)});
    r.status = 405;
    r.headers.emplace_back("Allow", allowed);
    return r;
  }
  return ErrorEnvelope(request, {ErrorCode::kNotFound, fmt::format("no route for {} {}", request.method, request.path)});
}

}  // namespace sparkplane::api
