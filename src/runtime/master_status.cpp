#include "runtime/master_status.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "net/http.hpp"

namespace sparkplane::runtime {
namespace json = boost::json;

namespace {

int64_t IntField(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return 0;
}

std::string StringField(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

Result<MasterStatus> ParseMasterStatus(std::string_view text) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object() || !doc.get_object().contains("workers")) {
    return Fail(ErrorCode::kCorruption, "the master's /json/ answer is not its status object");
  }
  const auto& root = doc.get_object();
  MasterStatus status;
  status.url = StringField(root, "url");
  status.status = StringField(root, "status");
  if (auto* apps = root.if_contains("activeapps"); apps && apps->is_array()) {
    status.active_apps = static_cast<int>(apps->get_array().size());
  }
  auto* workers = root.if_contains("workers");
  if (!workers->is_array())
    return Fail(ErrorCode::kCorruption, "the master's workers are not a list");
  for (auto& w : workers->get_array()) {
    if (!w.is_object()) continue;
    const auto& o = w.get_object();
    status.workers.push_back(
        {StringField(o, "id"), StringField(o, "host"), static_cast<int>(IntField(o, "port")),
         static_cast<int>(IntField(o, "cores")), static_cast<int>(IntField(o, "coresused")),
         IntField(o, "memory"), IntField(o, "memoryused"), StringField(o, "state")});
  }
  return status;
}

Result<MasterStatus> FetchMasterStatus(const std::string& webui_url, int timeout_seconds) {
  net::ClientRequest request;
  request.url = webui_url + "/json/";
  request.timeout_seconds = timeout_seconds;
  auto response = net::Fetch(request);
  if (!response) {
    return Fail(ErrorCode::kUnavailable, fmt::format("the Spark master at {} does not answer: {}",
                                                     webui_url, response.error().message));
  }
  if (response->status != 200) {
    return Fail(ErrorCode::kUnavailable, fmt::format("the Spark master at {} answered HTTP {}",
                                                     webui_url, response->status));
  }
  return ParseMasterStatus(response->body);
}

}  // namespace sparkplane::runtime
