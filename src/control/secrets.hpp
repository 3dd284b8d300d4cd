// Secrets inside ApplicationSpec objects (app configs, templates, job configs): which values are
// secret, the spec as every reply shows it (those values replaced by kRedactedValue), and a spec
// sent back after it was read redacted, with each placeholder resolved to the value it hides.
//
// The values looked at are the ones that become Spark properties or environment variables:
// sparkConf.K, hadoopConf.K (also matched as spark.hadoop.K), driver/executor.envVars.K (executor
// ones also as spark.executorEnv.K) and driver/executor.javaOptions (matched by value only).
// A value is secret when the server's pattern, or the spec's own sparkConf
// "spark.redaction.regex", is found in its key or in the value (Spark's rule); an own pattern that
// does not compile makes every such value secret. The own pattern's value is never redacted.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/redaction.hpp"
#include "common/result.hpp"

namespace sparkplane::control {

// A copy of `spec` with each secret value replaced by kRedactedValue.
boost::json::object RedactSpec(const boost::json::object& spec, const Redactor& server);

// The secret values of `spec`, to scrub from text derived from it (errors, log lines).
std::vector<std::string> SecretValues(const boost::json::object& spec, const Redactor& server);

// A spec read back redacted and sent again: every placeholder value is replaced by the value at
// the same place in `stored` (the version being replaced). A placeholder with no stored value
// behind it is kInvalidArgument naming `<where>.<path>`: the real value must be sent.
Status RestoreRedacted(boost::json::object& incoming, const boost::json::object* stored,
                       std::string_view where);

// For configOverrides: removes each placeholder value from `spec`, so the lower layers' value is
// kept, and returns where they were (as JSON Pointers such as "/sparkConf/spark.x.password").
std::vector<std::string> StripRedactedPlaceholders(boost::json::object& spec);

// kInvalidArgument naming `<where>.<path>` for the first pointer that `merged` has no value at.
Status CheckPlaceholdersResolved(const boost::json::object& merged,
                                 const std::vector<std::string>& pointers, std::string_view where);

}  // namespace sparkplane::control
