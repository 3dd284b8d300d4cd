#include "api/envelope.hpp"

#include <boost/json.hpp>

#include "common/util.hpp"

namespace sparkplane::api {
namespace json = boost::json;
namespace {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    default: return status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

json::object RequestPart(const net::Request& request) {
  return {{"id", NewUuid4()},
          {"url", request.target},
          {"method", request.method},
          {"timestamp", FormatIsoMillis(NowMillis())}};
}

}  // namespace

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

net::Response Envelope(const net::Request& request, std::string_view kind, json::array items, int status) {
  json::object response{{"status", {{"code", status}, {"message", ReasonPhrase(status)}}},
                        {"kind", kind},
                        {"count", items.size()},
                        {"items", std::move(items)}};
  net::Response out;
  out.status = status;
  out.body = json::serialize(json::object{{"request", RequestPart(request)}, {"response", std::move(response)}});
  return out;
}

net::Response ErrorEnvelope(const net::Request& request, const Error& error) {
  int status = HttpStatus(error.code);
  json::object e{{"code", ErrorCodeName(error.code)}, {"message", error.message}};
  if (!error.field_paths.empty()) {
    json::array paths;
    for (auto& p : error.field_paths) paths.emplace_back(p);
    e["fieldPaths"] = std::move(paths);
  }
  json::object response{{"status", {{"code", status}, {"message", ReasonPhrase(status)}}},
                        {"errors", json::array{std::move(e)}}};
  net::Response out;
  out.status = status;
  out.body = json::serialize(json::object{{"request", RequestPart(request)}, {"response", std::move(response)}});
  return out;
}

}  // namespace sparkplane::api
