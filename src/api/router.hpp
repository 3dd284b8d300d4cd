// Method + path-pattern routing. Patterns are '/'-separated segments; "{name}" captures one
// segment. The most specific match wins (most literal segments); a path that matches only with
// another method gets 405 with Allow.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/http.hpp"

namespace sparkplane::api {

using PathParams = std::vector<std::string>;  // captured segments, in order
using RouteHandler = std::function<net::Response(const net::Request&, const PathParams&)>;

class Router {
 public:
  void Add(std::string method, std::string_view pattern, RouteHandler handler);
  // `path` is relative to the router's mount point, e.g. "cluster/osc-1/app".
  net::Response Dispatch(const net::Request& request, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    int literals = 0;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> SplitPath(std::string_view path);

}  // namespace sparkplane::api
