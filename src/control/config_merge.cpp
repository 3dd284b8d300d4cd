#include "control/config_merge.hpp"

#include <vector>

namespace sparkplane::control {
namespace json = boost::json;
namespace {

std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void ForgetSourcesUnder(json::object& sources, const std::string& pointer) {
  std::vector<std::string> doomed;
  std::string prefix = pointer + "/";
  for (auto& [k, _] : sources) {
    std::string_view key = k;
    if (key == pointer || key.substr(0, prefix.size()) == prefix) doomed.emplace_back(key);
  }
  for (auto& k : doomed) sources.erase(k);
}

void RecordLeaves(const json::value& v, const std::string& pointer, const std::string& source,
                  json::object& sources) {
  if (v.is_object() && !v.get_object().empty()) {
    for (auto& [k, child] : v.get_object())
      RecordLeaves(child, pointer + "/" + PointerToken(k), source, sources);
  } else {
    sources[pointer] = source;
  }
}

// Objects whose keys depend on each other (a memory strategy, a timeout) are one choice: a higher
// layer replaces them whole, or {"strategy": "oomRecovery"} over an autotuning object would keep
// autotuning's historySize and no longer validate.
bool ReplacedWhole(std::string_view pointer) { return pointer == "/executor/memory" || pointer == "/timeout"; }

void MergeInto(json::object& into, const json::object& from, const std::string& pointer,
               const std::string& source, json::object& sources) {
  for (auto& [key, value] : from) {
    std::string child = pointer + "/" + PointerToken(key);
    auto* existing = into.if_contains(key);
    if (existing && existing->is_object() && value.is_object() && !ReplacedWhole(child)) {
      MergeInto(existing->get_object(), value.get_object(), child, source, sources);
      continue;
    }
    ForgetSourcesUnder(sources, child);
    into[key] = value;
    RecordLeaves(value, child, source, sources);
  }
}

}  // namespace

MergedConfig MergeConfig(std::span<const ConfigLayer> layers) {
  MergedConfig merged;
  for (const auto& layer : layers) {
    if (layer.spec) MergeInto(merged.config, *layer.spec, "", layer.source, merged.sources);
  }
  return merged;
}

}  // namespace sparkplane::control
