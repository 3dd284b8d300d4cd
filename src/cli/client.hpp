// The CLI's view of a sparkplane server: where it is, how to authenticate, and typed calls.
// Errors carry the ErrorCode the reply's HTTP status stands for (cli/exit_codes.hpp).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "net/http.hpp"

namespace sparkplane::cli {

struct ClientOptions {
  std::string url;    // --url, else $SPARKPLANE_URL, else DATA_DIR/server-url
  std::string token;  // --token, else $SPARKPLANE_TOKEN, else DATA_DIR/admin-token
  std::string data_dir = "sparkplane-data";  // --data-dir, else $SPARKPLANE_DATA_DIR
  std::string cluster;                       // --cluster, else the server's first cluster
  std::string
      ca_file;  // --ca-cert, else $SPARKPLANE_CA_CERT: trusted for https (else the system's CAs)
};

// `host:port`, `http://host:port[/]` or `https://host:port[/]` as a base URL without a trailing
// slash (a bare host:port means http). kInvalidArgument for anything else.
Result<std::string> NormalizeServerUrl(std::string_view url);

// Query parameters, percent-encoded in order; empty values are left out.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
std::string QueryString(const QueryParams& params);

// A listing read page by page: the items (at most the limit asked for) and the server's total.
struct Listing {
  boost::json::array items;
  int64_t total = 0;
};

class Client {
 public:
  // Resolves url, token and cluster; fails with an actionable message if any is missing.
  static Result<Client> Connect(ClientOptions options);

  // Calls an Ocean route under /ocean/spark/cluster/{c}/ and returns response.items.
  Result<boost::json::value> Call(const std::string& method, const std::string& path_in_cluster,
                                  const std::string& body = "{}");
  // Calls an Ocean route under /ocean/spark/ (e.g. "configTemplate") and returns response.items.
  Result<boost::json::value> CallOcean(const std::string& method, const std::string& path,
                                       const std::string& body = "{}");
  // Follows a paginated listing under /ocean/spark/cluster/{c}/ (its `after` cursor) until
  // `limit` items (0: all) or its end.
  Result<Listing> List(const std::string& path_in_cluster, QueryParams params, int64_t limit);
  // GETs a JSON route outside the Ocean envelope, e.g. /api/v1/applications/{id}/stages.
  Result<boost::json::value> GetJson(const std::string& path);
  // Streams a text route to stdout (e.g. a driver log with follow=true).
  Status Stream(const std::string& path_in_cluster);

  const std::string& cluster() const { return options_.cluster; }

 private:
  explicit Client(ClientOptions options)
      : options_(std::move(options)), http_(net::TlsClientOptions{options_.ca_file}) {}
  Result<net::ClientResponse> Send(const std::string& method, const std::string& path,
                                   const std::string& body);
  ClientOptions options_;
  net::HttpClient http_;  // one kept-alive connection for all calls (e.g. `submit --wait` polls)
};

}  // namespace sparkplane::cli
