#pragma once
// Reading JSON lines that share one shape without parsing their structure again.
//
// Spark writes the lines of one kind of event with the same keys in the same order; the lines of
// one stage's tasks differ only in their values. A LineTemplate is learned from one line that a
// reader has read value by value: every byte outside the values the reader stored ("holes") is
// fixed text. A later line is read by comparing its fixed text 16 bytes at a time and parsing
// only the holes, with the same scanning rules the reader used. A line that differs anywhere
// outside a hole does not match, so a match gives what the reader would have given, provided
// the reader's stores are its holes and nothing else (no reset half-way through a line: the
// task-line reader refuses lines that repeat a key for that reason).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sparkplane::eventlog {

// Scanning rules shared by the cursor that reads lines and the templates learned from it.
namespace scan {

// An integer as JSON writes it (no leading zeros, no fraction or exponent after it) starting at
// p; at most 18 digits. On success v is set and p moved past it.
inline bool PlainInt(const char*& p, const char* end, int64_t& v) {
  const char* q = p;
  bool negative = q < end && *q == '-';
  if (negative) ++q;
  const char* digits = q;
  uint64_t x = 0;
  while (q < end && q - digits < 18 && static_cast<unsigned char>(*q - '0') < 10) {
    x = x * 10 + static_cast<uint64_t>(*q - '0');
    ++q;
  }
  if (q == digits || (*digits == '0' && q - digits > 1)) return false;
  if (q < end &&
      (static_cast<unsigned char>(*q - '0') < 10 || *q == '.' || *q == 'e' || *q == 'E')) {
    return false;  // 19+ digits or a fraction: left to the JSON parser
  }
  v = negative ? -static_cast<int64_t>(x) : static_cast<int64_t>(x);
  p = q;
  return true;
}

// The first '"', '\\' or '\n' in [p, end), else end. Reads 16 bytes at a time: [p, end) must be
// followed by 16 readable bytes.
inline const char* QuoteOrEscape(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'),
                newline = _mm_set1_epi8('\n');
  for (; p < end; p += 16) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, slash)),
                     _mm_cmpeq_epi8(chunk, newline));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask) return p + __builtin_ctz(mask) < end ? p + __builtin_ctz(mask) : end;
  }
  return end;
#else
  while (p < end && *p != '"' && *p != '\\' && *p != '\n') ++p;
  return p;
#endif
}

// The end of a bare scalar starting at p: the first ',', '}', ']' or '\n', else end.
inline const char* BareEnd(const char* p, const char* end) {
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != '\n') ++p;
  return p;
}

}  // namespace scan

class LineTemplate {
 public:
  enum class Hole : uint8_t {
    kInt64,        // scan::PlainInt into the int64_t at the offset
    kInt32,        // scan::PlainInt, stored as int32_t
    kBool,         // true or false into the bool at the offset
    kString,       // a string's text (no escapes) into the std::string at the offset
    kSkipString,   // a string's text, not stored
    kSkipBare,     // a bare scalar, not stored
    kKeyedString,  // a string's text that, when it is an integer, is appended as (key, value)
    kKeyedBare,    // the same for a bare scalar
  };
  using Keyed = std::vector<std::pair<int64_t, int64_t>>;

  // Learning: Start at the line's first byte, Add each hole in line order, Finish at its end.
  void Start(const char* line);
  void Add(Hole kind, const char* begin, const char* end, size_t offset = 0, int64_t key = 0);
  void Finish(const char* end);

  // Reads a line at the start of [p, end) ([p, end) followed by 64 readable bytes) into the
  // object at `base` (the holes' offsets) and `keyed`. The line ends at end, '\n' or "\r\n";
  // its length is stored in *length. False: not this template's shape (`base` and `keyed` may
  // then hold part of the line).
  bool Match(const char* p, const char* end, std::byte* base, Keyed& keyed, size_t* length) const;

 private:
  struct Item {
    uint32_t fixed_end;  // fixed text before the hole: fixed_[previous fixed_end, fixed_end)
    Hole kind;
    uint32_t offset;
    int64_t key;
  };
  const char* line_ = nullptr;    // while learning
  const char* cursor_ = nullptr;  // while learning: the end of the last hole
  std::string fixed_;             // all fixed text, then 16 bytes of padding
  size_t fixed_size_ = 0;
  std::vector<Item> items_;
};

}  // namespace sparkplane::eventlog
