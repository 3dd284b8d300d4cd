#include "eventlog/line_template.hpp"

#include <cassert>
#include <charconv>
#include <cstring>

namespace sparkplane::eventlog {
namespace {

// a[0, n) == b[0, n); both must have 15 readable bytes after n.
inline bool SameBytes(const char* a, const char* b, size_t n) {
#ifdef __SSE2__
  size_t off = 0;
  for (; off + 16 <= n; off += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + off));
    __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + off));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) != 0xFFFF) return false;
  }
  if (off == n) return true;
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + off));
  __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + off));
  unsigned equal = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
  unsigned need = (1u << (n - off)) - 1;
  return (equal & need) == need;
#else
  return std::memcmp(a, b, n) == 0;
#endif
}

}  // namespace

void LineTemplate::Start(const char* line) {
  line_ = cursor_ = line;
  fixed_.clear();
  fixed_size_ = 0;
  items_.clear();
}

void LineTemplate::Add(Hole kind, const char* begin, const char* end, size_t offset, int64_t key) {
  assert(line_ && begin >= cursor_ && end >= begin);
  fixed_.append(cursor_, static_cast<size_t>(begin - cursor_));
  items_.push_back(
      Item{static_cast<uint32_t>(fixed_.size()), kind, static_cast<uint32_t>(offset), key});
  cursor_ = end;
}

void LineTemplate::Finish(const char* end) {
  assert(line_ && end >= cursor_);
  fixed_.append(cursor_, static_cast<size_t>(end - cursor_));
  fixed_size_ = fixed_.size();
  fixed_.append(16, '\0');
  line_ = cursor_ = nullptr;
}

bool LineTemplate::Match(const char* p, const char* end, std::byte* base, Keyed& keyed,
                         size_t* length) const {
  const char* q = p;
  const char* fixed = fixed_.data();
  size_t f = 0;
  auto same = [&](size_t upto) {
    size_t n = upto - f;
    if (static_cast<size_t>(end - q) < n || !SameBytes(q, fixed + f, n)) return false;
    q += n;
    f = upto;
    return true;
  };
  for (const Item& item : items_) {
    if (!same(item.fixed_end)) return false;
    std::byte* at = base + item.offset;
    const char* text_end = nullptr;
    switch (item.kind) {
      case Hole::kInt64:
      case Hole::kInt32: {
        int64_t v = 0;
        if (!scan::PlainInt(q, end, v)) return false;
        if (item.kind == Hole::kInt64) {
          std::memcpy(at, &v, sizeof v);
        } else {
          auto w = static_cast<int32_t>(v);
          std::memcpy(at, &w, sizeof w);
        }
        continue;
      }
      case Hole::kBool: {
        bool b;
        if (end - q >= 4 && std::memcmp(q, "true", 4) == 0) {
          b = true;
          q += 4;
        } else if (end - q >= 5 && std::memcmp(q, "false", 5) == 0) {
          b = false;
          q += 5;
        } else {
          return false;
        }
        std::memcpy(at, &b, sizeof b);
        continue;
      }
      case Hole::kString:
      case Hole::kSkipString:
      case Hole::kKeyedString:
        text_end = scan::QuoteOrEscape(q, end);
        if (text_end >= end || *text_end != '"') return false;
        break;
      case Hole::kSkipBare:
      case Hole::kKeyedBare:
        // A bare scalar the reader read; a string here would have been read as one.
        if (q < end && *q == '"') return false;
        text_end = scan::BareEnd(q, end);
        if (text_end == q) return false;
        break;
    }
    std::string_view text(q, static_cast<size_t>(text_end - q));
    q = text_end;
    if (item.kind == Hole::kString) {
      reinterpret_cast<std::string*>(at)->assign(text);
    } else if (item.kind == Hole::kKeyedString || item.kind == Hole::kKeyedBare) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && ptr == text.data() + text.size()) keyed.emplace_back(item.key, v);
    }
  }
  if (!same(fixed_size_)) return false;
  if (!length) return q == end;
  if (q < end && *q != '\n' && !(*q == '\r' && end - q >= 2 && q[1] == '\n')) return false;
  *length = static_cast<size_t>(q - p);
  return true;
}

}  // namespace sparkplane::eventlog
