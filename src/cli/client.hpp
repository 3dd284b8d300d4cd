// The CLI's view of a sparkplane server: where it is, how to authenticate, and typed calls.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "net/http.hpp"

namespace sparkplane::cli {

struct ClientOptions {
  std::string url;       // --url, else $SPARKPLANE_URL, else DATA_DIR/server-url
  std::string token;     // --token, else $SPARKPLANE_TOKEN, else DATA_DIR/admin-token
  std::string data_dir = "sparkplane-data";
  std::string cluster;   // --cluster, else the server's first cluster
};

class Client {
 public:
  // Resolves url, token and cluster; fails with an actionable message if any is missing.
  static Result<Client> Connect(ClientOptions options);

  // Calls an Ocean route under /ocean/spark/cluster/{c}/ and returns response.items.
  Result<boost::json::value> Call(const std::string& method, const std::string& path_in_cluster,
                                  const std::string& body = "{}");
  // Streams a text route to stdout (e.g. a driver log with follow=true).
  Status Stream(const std::string& path_in_cluster);

  const std::string& cluster() const { return options_.cluster; }

 private:
  explicit Client(ClientOptions options) : options_(std::move(options)) {}
  Result<boost::json::value> Request(const std::string& method, const std::string& path, const std::string& body);
  ClientOptions options_;
  net::HttpClient http_;  // one kept-alive connection for all calls (e.g. `submit --wait` polls)
};

}  // namespace sparkplane::cli
