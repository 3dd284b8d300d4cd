// The one config merge: layers of ApplicationSpec objects, lowest precedence first (the caller
// orders them; submissions use Ocean's: platform defaults → template → auto-tuning → job config
// → configOverrides).
// Objects merge key by key; arrays and scalars of a higher layer replace lower ones, and so do
// the objects that are one choice (executor.memory strategies, timeout).
#pragma once

#include <span>
#include <string>

#include <boost/json/object.hpp>

namespace sparkplane::control {

struct ConfigLayer {
  std::string source;                  // e.g. "template:my-template", "jobConfig", "configOverrides"
  const boost::json::object* spec;     // may be null (layer absent)
};

struct MergedConfig {
  boost::json::object config;
  // For every leaf of `config`: its JSON Pointer (RFC 6901, e.g. "/sparkConf/spark.x") → source.
  boost::json::object sources;
};

MergedConfig MergeConfig(std::span<const ConfigLayer> layers);

}  // namespace sparkplane::control
