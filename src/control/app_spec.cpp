#include "control/app_spec.hpp"

#include "control/spark_conf_check.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <span>

#include <fmt/format.h>

namespace sparkplane::control {
namespace json = boost::json;
namespace {

constexpr int64_t kDefaultTimeoutMinutes = 24 * 60;

enum class Kind {
  kString,
  kNumber,       // int or double
  kCores,        // positive, at most kMaxCores
  kInteger,
  kBool,
  kStringArray,
  kStringMap,    // object of string → string
  kConfMap,      // kStringMap whose keys can be passed as `--conf key=value`
  kObject,       // any object (Kubernetes structures we pass through unchecked)
  kArray,        // any array
  kMemory,       // memory string
  kNested,       // object checked against `nested`
  kSpecial,      // checked by a dedicated function
};

struct Field {
  std::string_view name;
  Kind kind;
  std::span<const Field> nested = {};
  Status (*check)(const json::value&, const std::string&) = nullptr;
};

Status Bad(const std::string& path, std::string message) {
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", path, message), {path});
}

std::string KindName(Kind k) {
  switch (k) {
    case Kind::kString:
    case Kind::kMemory: return "a string";
    case Kind::kNumber: return "a number";
    case Kind::kCores: return fmt::format("a positive number of at most {}", kMaxCores);
    case Kind::kInteger: return "an integer";
    case Kind::kBool: return "a boolean";
    case Kind::kStringArray: return "an array of strings";
    case Kind::kStringMap:
    case Kind::kConfMap: return "an object of string values";
    case Kind::kObject:
    case Kind::kNested: return "an object";
    case Kind::kArray: return "an array";
    case Kind::kSpecial: return "valid";
  }
  return "valid";
}

// Strings reach spark-submit's argv, where a NUL would silently cut them short.
constexpr const char* kNulMessage = "must not contain a NUL character (\\u0000)";
bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// Boost.JSON reads an out-of-range literal such as 1e999 as infinity.
bool IsFiniteNumber(const json::value& v) { return v.is_number() && std::isfinite(v.to_number<double>()); }

Status CheckEnum(const json::value& v, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
  if (v.is_string()) {
    for (auto a : allowed)
      if (v.get_string() == a) return Ok();
  }
  std::string list;
  for (auto a : allowed) list += fmt::format("{}'{}'", list.empty() ? "" : ", ", a);
  return Bad(path, fmt::format("must be one of {}", list));
}

Status CheckType(const json::value& v, const std::string& path) {
  return CheckEnum(v, path, {"Java", "Python", "Scala"});
}
Status CheckPythonVersion(const json::value& v, const std::string& path) {
  return CheckEnum(v, path, {"2", "3"});
}
Status CheckTimeout(const json::value& v, const std::string& path) {
  if (v.is_string()) return CheckEnum(v, path, {"DISABLED"});
  if (!v.is_object()) return Bad(path, "must be \"DISABLED\" or {\"minutes\": N, \"policy\": \"KILL\"}");
  const auto& o = v.get_object();
  for (auto& [k, _] : o)
    if (k != "minutes" && k != "policy") return Bad(path + "." + std::string(k), "unknown key");
  auto minutes = o.if_contains("minutes");
  if (!minutes || !minutes->is_int64() || minutes->get_int64() <= 0 || minutes->get_int64() > kMaxTimeoutMinutes)
    return Bad(path + ".minutes", fmt::format("must be a positive integer of at most {} (ten years)", kMaxTimeoutMinutes));
  auto policy = o.if_contains("policy");
  if (!policy) return Bad(path + ".policy", "is required (\"KILL\")");
  return CheckEnum(*policy, path + ".policy", {"KILL"});
}

Status CheckInstances(const json::value& v, const std::string& path) {
  if (!v.is_int64() || v.get_int64() < 0 || v.get_int64() > kMaxInstances)
    return Bad(path, fmt::format("must be an integer from 0 to {}", kMaxInstances));
  return Ok();
}

// Ocean's own examples send it as a string ("0.5"); either way a number in (0, 100).
Status CheckMemoryOverheadFactor(const json::value& v, const std::string& path) {
  double f = -1;
  if (v.is_number()) {
    f = v.to_number<double>();
  } else if (v.is_string()) {
    std::string_view text = v.get_string();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f);
    if (ec != std::errc() || end != text.data() + text.size()) f = -1;
  }
  if (!(f > 0 && f < 100)) return Bad(path, "must be a positive number such as 0.4");
  return Ok();
}

Status CheckExecutorMemory(const json::value& v, const std::string& path) {
  if (v.is_string()) {
    auto mib = ParseMemoryMiB(v.get_string());
    if (!mib) return Bad(path, mib.error().message);
    return Ok();
  }
  if (!v.is_object()) return Bad(path, "must be a memory string such as \"4g\" or a strategy object");
  const auto& o = v.get_object();
  auto strategy = o.if_contains("strategy");
  if (!strategy) return Bad(path + ".strategy", "is required (\"oomRecovery\" or \"autotuning\")");
  SPARKPLANE_TRY(CheckEnum(*strategy, path + ".strategy", {"oomRecovery", "autotuning"}));
  bool autotuning = strategy->get_string() == "autotuning";
  for (auto& [k, val] : o) {
    std::string p = path + "." + std::string(k);
    if (k == "strategy") continue;
    if (k == "scalingFactor" || (autotuning && k == "marginRatio")) {
      if (!IsFiniteNumber(val) || val.to_number<double>() <= 0) return Bad(p, "must be a positive number");
    } else if (k == "maxMemory") {
      if (!val.is_string() || !ParseMemoryMiB(val.get_string())) return Bad(p, "must be a memory string such as \"16g\"");
    } else if (autotuning && k == "historySize") {
      if (!val.is_int64() || val.get_int64() <= 0) return Bad(p, "must be a positive integer");
    } else {
      return Bad(p, "unknown key");
    }
  }
  return Ok();
}

constexpr Field kLogCollection[] = {{"collectAppLogs", Kind::kBool}};
constexpr Field kDeps[] = {
    {"files", Kind::kStringArray},    {"jars", Kind::kStringArray},
    {"pyFiles", Kind::kStringArray},  {"packages", Kind::kStringArray},
    {"excludePackages", Kind::kStringArray}, {"repositories", Kind::kStringArray},
};
constexpr Field kShuffle[] = {
    {"enabled", Kind::kBool}, {"rootDir", Kind::kString},
    {"dependencyInitUserId", Kind::kInteger}, {"dependencyFsGroup", Kind::kInteger},
};

// Keys shared by DriverSpec and ExecutorSpec, then each one's own.
#define SPARKPLANE_POD_FIELDS                                                                    \
  {"affinity", Kind::kObject}, {"annotations", Kind::kStringMap}, {"configMaps", Kind::kArray},  \
      {"coreLimit", Kind::kString}, {"coreRequest", Kind::kString},                             \
      {"cores", Kind::kCores}, {"dnsConfig", Kind::kObject}, {"env", Kind::kArray},     \
      {"envSecretKeyRefs", Kind::kObject}, {"envVars", Kind::kStringMap},                        \
      {"hostAliases", Kind::kArray}, {"image", Kind::kString}, {"instanceSelector", Kind::kObject}, \
      {"instanceAllowList", Kind::kStringArray}, {"javaOptions", Kind::kString},                 \
      {"sidecars", Kind::kArray}, {"initContainers", Kind::kArray}, {"labels", Kind::kStringMap}, \
      {"memoryOverhead", Kind::kMemory}, {"podSecurityContext", Kind::kObject},                  \
      {"secrets", Kind::kArray}, {"securityContext", Kind::kObject}, {"spot", Kind::kBool},      \
      {"tolerations", Kind::kArray}, {"vngIds", Kind::kStringArray}, {"volumeMounts", Kind::kArray}

constexpr Field kDriver[] = {
    SPARKPLANE_POD_FIELDS,
    {"memory", Kind::kMemory},
    {"podName", Kind::kString},
    {"lifecycle", Kind::kObject},
};
constexpr Field kExecutor[] = {
    SPARKPLANE_POD_FIELDS,
    {"memory", Kind::kSpecial, {}, CheckExecutorMemory},
    {"instances", Kind::kSpecial, {}, CheckInstances},
};
#undef SPARKPLANE_POD_FIELDS

constexpr Field kSpec[] = {
    {"arguments", Kind::kStringArray},
    {"deps", Kind::kNested, kDeps},
    {"driver", Kind::kNested, kDriver},
    {"executor", Kind::kNested, kExecutor},
    {"hadoopConf", Kind::kConfMap},
    {"hadoopConfigMap", Kind::kString},
    {"image", Kind::kString},
    {"imagePullPolicy", Kind::kString},
    {"imagePullSecrets", Kind::kStringArray},
    {"interactive", Kind::kBool},
    {"initContainerImage", Kind::kString},
    {"labels", Kind::kStringMap},
    {"logCollection", Kind::kNested, kLogCollection},
    {"mainApplicationFile", Kind::kString},
    {"mainClass", Kind::kString},
    {"memoryOverheadFactor", Kind::kSpecial, {}, CheckMemoryOverheadFactor},
    {"availabilityZone", Kind::kString},
    {"priority", Kind::kString},
    {"pythonVersion", Kind::kSpecial, {}, CheckPythonVersion},
    {"shuffle", Kind::kNested, kShuffle},
    {"sparkConf", Kind::kConfMap},
    {"sparkConfigMap", Kind::kString},
    {"sparkVersion", Kind::kString},
    {"timeout", Kind::kSpecial, {}, CheckTimeout},
    {"timeToLiveSeconds", Kind::kInteger},
    {"type", Kind::kSpecial, {}, CheckType},
    {"volumes", Kind::kArray},
    {"namespace", Kind::kString},
    {"serviceAccountName", Kind::kString},
};

Status CheckValue(const Field& f, const json::value& v, const std::string& path);

Status CheckObject(std::span<const Field> fields, const json::value& v, const std::string& path) {
  if (!v.is_object()) return Bad(path, "must be an object");
  for (auto& [key, value] : v.get_object()) {
    std::string p = path.empty() ? std::string(key) : path + "." + std::string(key);
    const Field* field = nullptr;
    for (auto& f : fields)
      if (f.name == key) field = &f;
    if (!field) return Bad(p, "unknown key (not part of the Ocean Spark ApplicationSpec)");
    SPARKPLANE_TRY(CheckValue(*field, value, p));
  }
  return Ok();
}

Status CheckValue(const Field& f, const json::value& v, const std::string& path) {
  bool ok = true;
  switch (f.kind) {
    case Kind::kString:
      ok = v.is_string();
      if (ok && HasNul(v.get_string())) return Bad(path, kNulMessage);
      break;
    case Kind::kNumber: ok = IsFiniteNumber(v); break;
    case Kind::kCores: ok = IsFiniteNumber(v) && v.to_number<double>() > 0 && v.to_number<double>() <= kMaxCores; break;
    case Kind::kInteger: ok = v.is_int64() || v.is_uint64(); break;
    case Kind::kBool: ok = v.is_bool(); break;
    case Kind::kObject: ok = v.is_object(); break;
    case Kind::kArray: ok = v.is_array(); break;
    case Kind::kStringArray:
      ok = v.is_array();
      if (ok) {
        const auto& a = v.get_array();
        for (size_t i = 0; i < a.size(); ++i) {
          if (!a[i].is_string()) return Bad(fmt::format("{}[{}]", path, i), "must be a string");
          if (HasNul(a[i].get_string())) return Bad(fmt::format("{}[{}]", path, i), kNulMessage);
        }
      }
      break;
    case Kind::kStringMap:
    case Kind::kConfMap:
      ok = v.is_object();
      if (ok) {
        for (auto& [k, val] : v.get_object()) {
          std::string p = fmt::format("{}.{}", path, std::string_view(k));
          if (!val.is_string()) return Bad(p, "must be a string (quote numbers and booleans)");
          if (HasNul(k) || HasNul(val.get_string())) return Bad(p, kNulMessage);
          // spark-submit splits `--conf key=value` at the first '='.
          if (f.kind == Kind::kConfMap && (k.empty() || k.find('=') != json::string_view::npos))
            return Bad(p, "a configuration key must be non-empty and contain no '='");
        }
        if (f.name == "sparkConf") return CheckSparkConf(v.get_object(), path);
      }
      break;
    case Kind::kMemory: {
      if (!v.is_string()) {
        ok = false;
        break;
      }
      auto mib = ParseMemoryMiB(v.get_string());
      if (!mib) return Bad(path, mib.error().message);
      break;
    }
    case Kind::kNested: return CheckObject(f.nested, v, path);
    case Kind::kSpecial: return f.check(v, path);
  }
  if (!ok) return Bad(path, fmt::format("must be {}", KindName(f.kind)));
  return Ok();
}

}  // namespace

Status ValidateAppSpec(const json::value& spec, std::string_view where) {
  return CheckObject(kSpec, spec, std::string(where));
}

std::optional<int64_t> TimeoutDeadline(const json::object& config, int64_t created_at) {
  int64_t minutes = kDefaultTimeoutMinutes;
  if (auto* timeout = config.if_contains("timeout")) {
    if (timeout->is_string() && timeout->get_string() == "DISABLED") return std::nullopt;
    if (timeout->is_object()) {
      if (auto* m = timeout->get_object().if_contains("minutes"); m && m->is_int64() && m->get_int64() > 0) {
        // Configs stored before the bound existed may ask for more; the sum must not overflow.
        minutes = std::min(m->get_int64(), kMaxTimeoutMinutes);
      }
    }
  }
  return created_at + minutes * 60 * 1000;
}

}  // namespace sparkplane::control
