#include "common/redaction.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <vector>

namespace sparkplane {

struct Redactor::Compiled {
  std::regex regex;
};

Result<Redactor> Redactor::Create(std::string_view pattern) {
  auto flags = std::regex::ECMAScript | std::regex::optimize;
#if defined(__GLIBCXX__)
  // libstdc++'s default executor backtracks recursively, so a pattern such as ".*password.*"
  // over a long value could exhaust the stack; the polynomial (Thompson) executor cannot.
  flags |= std::regex_constants::__polynomial;
#endif
  std::string_view body = pattern;
  // Java's leading inline flags, e.g. "(?i)" in Spark's default.
  if (body.substr(0, 2) == "(?") {
    size_t close = body.find(')');
    std::string_view letters = close == std::string_view::npos ? "" : body.substr(2, close - 2);
    bool all_flags = !letters.empty() && std::all_of(letters.begin(), letters.end(),
                                                     [](char c) { return c >= 'a' && c <= 'z'; });
    if (all_flags) {
      for (char c : letters) {
        if (c == 'i') {
          flags |= std::regex::icase;
        } else if (c == 'm') {
          flags |= std::regex::multiline;
        } else {
          return Fail(ErrorCode::kInvalidArgument,
                      fmt::format("redaction regex '{}': the inline flag '{}' is not supported "
                                  "(only (?i) and (?m))",
                                  pattern, c));
        }
      }
      body.remove_prefix(close + 1);
    }
  }
  Redactor r;
  r.pattern_ = std::string(pattern);
  try {
    std::regex alone(body.begin(), body.end(), flags);  // "a)|(b" must not pass once wrapped
    // One pass finds a match anywhere: a leading [\s\S]* tried only at the start (see Matches),
    // where regex_search would restart at every position (quadratic in the text).
    std::string anywhere = "[\\s\\S]*(?:" + std::string(body) + ")";
    r.compiled_ = std::make_shared<const Compiled>(Compiled{std::regex(anywhere, flags)});
  } catch (const std::regex_error& e) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("redaction regex '{}' is not a supported regular expression ({}); use "
                            "alternatives, classes and quantifiers such as {}",
                            pattern, e.what(), kDefaultRedactionRegex));
  }
  return r;
}

const Redactor& Redactor::Default() {
  static const Redactor redactor = *Create(kDefaultRedactionRegex);
  return redactor;
}

Redactor Redactor::MatchEverything() {
  Redactor r;
  r.pattern_ = ".*";
  return r;
}

bool Redactor::Matches(std::string_view text) const {
  if (!compiled_) return true;
  try {
    return std::regex_search(text.begin(), text.end(), compiled_->regex,
                             std::regex_constants::match_continuous);
  } catch (const std::regex_error&) {
    return true;  // the matcher gave up: hide the value rather than show it
  }
}

bool Redactor::IsSecret(std::string_view key, std::string_view value) const {
  return Matches(key) || Matches(value);
}

std::string ScrubSecrets(std::string text, std::span<const std::string> secrets) {
  // Longest first, so a secret that contains another is replaced whole.
  std::vector<std::string_view> ordered(secrets.begin(), secrets.end());
  std::sort(ordered.begin(), ordered.end(),
            [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  for (std::string_view secret : ordered) {
    if (secret.size() < kMinScrubbedLength) continue;
    for (size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kRedactedValue.size())) {
      text.replace(at, secret.size(), kRedactedValue);
    }
  }
  return text;
}

}  // namespace sparkplane
