// Helpers shared by eventlog tests: Spark's JSON comparison rules (HistoryServerSuite) and paths.
#pragma once

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <string_view>

namespace sparkplane::eventlog::testing {

inline std::filesystem::path SharedData() { return SPARKPLANE_SHARED_DATA; }
inline std::filesystem::path SparkHistoryData() { return SharedData() / "spark-history"; }

// Sets lastUpdated to "" and lastUpdatedEpoch to 0 everywhere (the only fields Spark ignores).
inline void ClearLastUpdated(boost::json::value& v) {
  if (v.is_object()) {
    auto& o = v.as_object();
    for (auto& kv : o) {
      if (kv.key() == "lastUpdated")
        kv.value() = "";
      else if (kv.key() == "lastUpdatedEpoch")
        kv.value() = 0;
      else
        ClearLastUpdated(kv.value());
    }
  } else if (v.is_array()) {
    for (auto& e : v.as_array()) ClearLastUpdated(e);
  }
}

// json4s JValue equality: key order ignored, array order kept, int vs double distinct.
// Returns "" if equal, else the path of the first difference.
inline std::string JsonDiff(const boost::json::value& a, const boost::json::value& b,
                            const std::string& path = "$") {
  auto kind = [](const boost::json::value& v) {
    if (v.is_int64() || v.is_uint64()) return 1;
    if (v.is_double()) return 2;
    return 3 + static_cast<int>(v.kind());
  };
  if (kind(a) != kind(b)) {
    return path + ": type " + boost::json::serialize(a) + " vs " + boost::json::serialize(b);
  }
  if (a.is_object()) {
    const auto& oa = a.as_object();
    const auto& ob = b.as_object();
    for (const auto& kv : oa) {
      if (!ob.contains(kv.key())) return path + "." + std::string(kv.key()) + ": only in actual";
      auto d = JsonDiff(kv.value(), ob.at(kv.key()), path + "." + std::string(kv.key()));
      if (!d.empty()) return d;
    }
    for (const auto& kv : ob) {
      if (!oa.contains(kv.key())) return path + "." + std::string(kv.key()) + ": missing";
    }
    return "";
  }
  if (a.is_array()) {
    const auto& xa = a.as_array();
    const auto& xb = b.as_array();
    if (xa.size() != xb.size()) {
      return path + ": array size " + std::to_string(xa.size()) + " vs " +
             std::to_string(xb.size());
    }
    for (size_t i = 0; i < xa.size(); ++i) {
      auto d = JsonDiff(xa[i], xb[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  if (kind(a) == 1) {
    bool eq = a.is_int64() && b.is_int64()
                  ? a.as_int64() == b.as_int64()
                  : boost::json::value_to<double>(a) == boost::json::value_to<double>(b);
    return eq ? "" : path + ": " + boost::json::serialize(a) + " vs " + boost::json::serialize(b);
  }
  return a == b ? "" : path + ": " + boost::json::serialize(a) + " vs " + boost::json::serialize(b);
}

}  // namespace sparkplane::eventlog::testing
