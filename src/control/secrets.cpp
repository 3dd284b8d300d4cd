#include "control/secrets.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <optional>

namespace sparkplane::control {
namespace json = boost::json;
namespace {

using Path = std::vector<std::string>;

// Calls fn(path, spark_names, value) for every string value that becomes a Spark property or an
// environment variable; spark_names are the keys the pattern is matched against.
template <class Object, class Fn>
void ForEachConfValue(Object& spec, Fn&& fn) {
  // `where` is the map's path from the spec; its last element names it inside `parent`.
  auto each_in_map = [&](Object& parent, const Path& where, std::string_view spark_prefix) {
    auto* map = parent.if_contains(where.back());
    if (!map || !map->is_object()) return;
    for (auto& [k, v] : map->get_object()) {
      if (!v.is_string()) continue;
      Path path = where;
      path.emplace_back(k);
      std::vector<std::string> names = {std::string(k)};
      if (!spark_prefix.empty())
        names.push_back(fmt::format("{}{}", spark_prefix, std::string_view(k)));
      fn(path, names, v);
    }
  };
  each_in_map(spec, {"sparkConf"}, "");
  each_in_map(spec, {"hadoopConf"}, "spark.hadoop.");
  for (std::string_view role : {"driver", "executor"}) {
    auto* pod = spec.if_contains(role);
    if (!pod || !pod->is_object()) continue;
    auto& pod_object = pod->get_object();
    each_in_map(pod_object, {std::string(role), "envVars"},
                role == "executor" ? "spark.executorEnv." : "");
    if (auto* java = pod_object.if_contains("javaOptions"); java && java->is_string()) {
      fn(Path{std::string(role), "javaOptions"}, std::vector<std::string>{}, *java);
    }
  }
}

// The spec's own spark.redaction.regex, when it has one.
std::optional<Redactor> OwnRedactor(const json::object& spec) {
  const auto* conf = spec.if_contains("sparkConf");
  if (!conf || !conf->is_object()) return std::nullopt;
  const auto* own = conf->get_object().if_contains(kRedactionRegexKey);
  if (!own || !own->is_string()) return std::nullopt;
  auto compiled = Redactor::Create(own->get_string());
  if (!compiled) return Redactor::MatchEverything();
  return *compiled;
}

bool IsOwnPattern(const Path& path) {
  return path.size() == 2 && path[0] == "sparkConf" && path[1] == kRedactionRegexKey;
}

class SecretTest {
 public:
  SecretTest(const json::object& spec, const Redactor& server)
      : server_(server), own_(OwnRedactor(spec)) {}
  bool operator()(const Path& path, const std::vector<std::string>& names,
                  std::string_view value) const {
    if (IsOwnPattern(path)) return false;
    for (const Redactor* r : {&server_, own_ ? &*own_ : nullptr}) {
      if (!r) continue;
      if (r->Matches(value)) return true;
      for (auto& name : names)
        if (r->Matches(name)) return true;
    }
    return false;
  }

 private:
  const Redactor& server_;
  std::optional<Redactor> own_;
};

std::string DotPath(std::string_view where, const Path& path) {
  std::string out(where);
  for (auto& p : path) {
    if (!out.empty()) out += '.';
    out += p;
  }
  return out;
}

std::string Pointer(const Path& path) {
  std::string out;
  for (auto& segment : path) {
    out += '/';
    for (char c : segment) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  }
  return out;
}

Path FromPointer(std::string_view pointer) {
  Path path;
  while (!pointer.empty() && pointer.front() == '/') {
    pointer.remove_prefix(1);
    size_t end = pointer.find('/');
    std::string_view raw = pointer.substr(0, end);
    std::string segment;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        segment += raw[++i] == '1' ? '/' : '~';
      } else {
        segment += raw[i];
      }
    }
    path.push_back(std::move(segment));
    pointer = end == std::string_view::npos ? std::string_view() : pointer.substr(end);
  }
  return path;
}

const json::value* Find(const json::object& root, const Path& path) {
  const json::object* at = &root;
  const json::value* found = nullptr;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!at) return nullptr;
    found = at->if_contains(path[i]);
    if (!found) return nullptr;
    at = found->is_object() ? &found->get_object() : nullptr;
  }
  return found;
}

}  // namespace

json::object RedactSpec(const json::object& spec, const Redactor& server) {
  SecretTest is_secret(spec, server);
  json::object out = spec;
  ForEachConfValue(out,
                   [&](const Path& path, const std::vector<std::string>& names, json::value& v) {
                     if (is_secret(path, names, v.get_string())) v = kRedactedValue;
                   });
  return out;
}

std::vector<std::string> SecretValues(const json::object& spec, const Redactor& server) {
  SecretTest is_secret(spec, server);
  std::vector<std::string> out;
  ForEachConfValue(
      spec, [&](const Path& path, const std::vector<std::string>& names, const json::value& v) {
        if (is_secret(path, names, v.get_string())) out.emplace_back(v.get_string());
      });
  return out;
}

Status RestoreRedacted(json::object& incoming, const json::object* stored, std::string_view where) {
  Status status = Ok();
  ForEachConfValue(incoming, [&](const Path& path, const std::vector<std::string>&,
                                 json::value& v) {
    if (!status || v.get_string() != kRedactedValue) return;
    const json::value* kept = stored ? Find(*stored, path) : nullptr;
    if (kept && kept->is_string()) {
      v = kept->get_string();
      return;
    }
    std::string field = DotPath(where, path);
    status = Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: '{}' stands for a redacted value, and there is no stored value "
                              "to keep here; send the real value",
                              field, kRedactedValue),
                  {field});
  });
  return status;
}

std::vector<std::string> StripRedactedPlaceholders(json::object& spec) {
  std::vector<Path> found;
  ForEachConfValue(spec, [&](const Path& path, const std::vector<std::string>&, json::value& v) {
    if (v.get_string() == kRedactedValue) found.push_back(path);
  });
  std::vector<std::string> pointers;
  for (const Path& path : found) {
    json::object* parent = &spec;
    for (size_t i = 0; i + 1 < path.size(); ++i) parent = &(*parent)[path[i]].as_object();
    parent->erase(path.back());
    pointers.push_back(Pointer(path));
  }
  // A map left empty would otherwise stand in the merge as a value of its own.
  for (const Path& map : {Path{"sparkConf"}, Path{"hadoopConf"}, Path{"driver", "envVars"},
                          Path{"executor", "envVars"}}) {
    const json::value* v = Find(spec, map);
    if (!v || !v->is_object() || !v->get_object().empty() || found.empty()) continue;
    json::object* parent = &spec;
    for (size_t i = 0; i + 1 < map.size(); ++i) parent = &(*parent)[map[i]].as_object();
    parent->erase(map.back());
  }
  return pointers;
}

Status CheckPlaceholdersResolved(const json::object& merged,
                                 const std::vector<std::string>& pointers, std::string_view where) {
  for (const std::string& pointer : pointers) {
    Path path = FromPointer(pointer);
    const json::value* v = Find(merged, path);
    if (v && v->is_string()) continue;
    std::string field = DotPath(where, path);
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: '{}' stands for a redacted value, and no template or job config "
                            "sets one here; send the real value",
                            field, kRedactedValue),
                {field});
  }
  return Ok();
}

}  // namespace sparkplane::control
