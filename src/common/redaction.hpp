// Which configuration values are secrets, decided as Spark decides for its UI and event logs
// (spark.redaction.regex): a value is secret when the pattern is found in its key or in the value
// itself, and is then shown as Spark shows it, "*********(redacted)". Thread-safe (immutable).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace sparkplane {

// Spark's placeholder for a redacted value (Utils.REDACTION_REPLACEMENT_TEXT).
inline constexpr std::string_view kRedactedValue = "*********(redacted)";
// Spark's default spark.redaction.regex.
inline constexpr std::string_view kDefaultRedactionRegex =
    "(?i)secret|password|token|access[.]?key";
// The Spark property through which an app names its own pattern.
inline constexpr std::string_view kRedactionRegexKey = "spark.redaction.regex";

class Redactor {
 public:
  // Compiles a Spark (Java) pattern. Supported: the ECMAScript syntax Java shares (alternation,
  // classes, quantifiers, anchors, groups) and leading inline flags "(?i)" / "(?m)"; anything
  // else (back-references, possessive quantifiers, other flags) is kInvalidArgument saying so.
  // Matching runs in time linear in the text, whatever the pattern.
  static Result<Redactor> Create(std::string_view pattern);
  // The default pattern, compiled once.
  static const Redactor& Default();
  // A redactor that finds every key secret: for a pattern that could not be compiled, so a
  // broken app-supplied pattern hides values rather than shows them.
  static Redactor MatchEverything();

  // Whether the pattern is found anywhere in `text`.
  bool Matches(std::string_view text) const;
  // Spark's rule: the pattern is found in the key or in the value.
  bool IsSecret(std::string_view key, std::string_view value) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;  // the std::regex, kept out of this header (it is slow to compile)
  Redactor() = default;
  std::string pattern_;
  std::shared_ptr<const Compiled> compiled_;  // null: matches everything
};

// `text` with every occurrence of each secret value replaced by kRedactedValue. Values shorter
// than kMinScrubbedLength are left alone: they would mangle ordinary words ("true", "256") and
// are not credentials.
inline constexpr size_t kMinScrubbedLength = 6;
std::string ScrubSecrets(std::string text, std::span<const std::string> secrets);

}  // namespace sparkplane
