#include "eventlog/app_builder.hpp"

#include <simdjson.h>

#include "eventlog/line_template.hpp"
#include "eventlog/sql_plan.hpp"
#include "eventlog/storage.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

namespace sparkplane::eventlog {
namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {

#define EL_TRY(expr)                           \
  do {                                         \
    if (error_code _e = (expr); _e) return _e; \
  } while (0)

// Keys Spark writes never contain escapes; an escaped key just never matches a known name.
std::string_view SlowRawKey(const char* p) {
  const char* q = p;
  while (*q != '"') {
    if (*q == '\\') ++q;
    ++q;
  }
  return std::string_view(p, static_cast<size_t>(q - p));
}

// Finding the closing quote 16 bytes at a time is safe: the line is followed by padding and the
// quote is always inside the line.
std::string_view RawKey(od::field& field) {
  const char* p = field.key().raw();
#ifdef __SSE2__
  for (size_t off = 0;; off += 16) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + off));
    unsigned quotes =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('"'))));
    unsigned slashes =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'))));
    if (quotes != 0) {
      unsigned q = static_cast<unsigned>(__builtin_ctz(quotes));
      if (slashes == 0 || static_cast<unsigned>(__builtin_ctz(slashes)) > q) return {p, off + q};
      return SlowRawKey(p);
    }
    if (slashes != 0) return SlowRawKey(p);
  }
#else
  return SlowRawKey(p);
#endif
}

// Key comparison against a literal; the constant length lets the compiler inline the compare.
template <size_t N>
inline bool Is(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

error_code ReadInt(od::value v, int64_t& out) {
  od::json_type type;
  EL_TRY(v.type().get(type));
  if (type == od::json_type::number) {
    if (v.get_int64().get(out) == simdjson::SUCCESS) return simdjson::SUCCESS;
    double d;
    EL_TRY(v.get_double().get(d));
    out = static_cast<int64_t>(d);
    return simdjson::SUCCESS;
  }
  if (type == od::json_type::string) {  // some vendors quote numbers
    std::string_view s;
    EL_TRY(v.get_string().get(s));
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    (void)ptr;
    if (ec != std::errc()) out = 0;
    return simdjson::SUCCESS;
  }
  if (type == od::json_type::null) {
    out = 0;
    return simdjson::SUCCESS;
  }
  return simdjson::INCORRECT_TYPE;
}

error_code ReadInt32(od::value v, int32_t& out) {
  int64_t x = 0;
  EL_TRY(ReadInt(v, x));
  out = static_cast<int32_t>(x);
  return simdjson::SUCCESS;
}

error_code ReadBool(od::value v, bool& out) {
  od::json_type type;
  EL_TRY(v.type().get(type));
  if (type == od::json_type::boolean) return v.get_bool().get(out);
  if (type == od::json_type::string) {
    std::string_view s;
    EL_TRY(v.get_string().get(s));
    out = s == "true";
    return simdjson::SUCCESS;
  }
  out = false;
  return simdjson::SUCCESS;
}

// Calls fn(key, value) for each field of object `v` (keys raw, see RawKey).
template <class Fn>
error_code ForEachField(od::value v, Fn&& fn) {
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    EL_TRY(fn(RawKey(field), field.value()));
  }
  return simdjson::SUCCESS;
}

// Calls fn(element) for each element of array `v`.
template <class Fn>
error_code ForEachElement(od::value v, Fn&& fn) {
  od::array arr;
  EL_TRY(v.get_array().get(arr));
  for (auto e : arr) {
    od::value element;
    EL_TRY(std::move(e).get(element));
    EL_TRY(fn(element));
  }
  return simdjson::SUCCESS;
}

// Strings; null becomes empty.
error_code ReadString(od::value v, std::string& out) {
  od::json_type type;
  EL_TRY(v.type().get(type));
  if (type == od::json_type::string) {
    std::string_view s;
    EL_TRY(v.get_string().get(s));
    out.assign(s);
    return simdjson::SUCCESS;
  }
  if (type == od::json_type::null) {
    out.clear();
    return simdjson::SUCCESS;
  }
  if (type == od::json_type::object || type == od::json_type::array) {
    out.clear();  // structured values are not modelled as text
    return simdjson::SUCCESS;
  }
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t' ||
          raw.back() == ',' || raw.back() == '}' || raw.back() == ']')) {
    raw.remove_suffix(1);
  }
  out.assign(raw);
  return simdjson::SUCCESS;
}

error_code ReadOptString(od::value v, std::optional<std::string>& out) {
  od::json_type type;
  EL_TRY(v.type().get(type));
  if (type == od::json_type::null) {
    out.reset();
    return simdjson::SUCCESS;
  }
  std::string s;
  EL_TRY(ReadString(v, s));
  out = std::move(s);
  return simdjson::SUCCESS;
}

error_code ReadStringMap(od::value v, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view key;
    EL_TRY(field.unescaped_key().get(key));
    std::string k(key);
    std::string val;
    EL_TRY(ReadString(field.value(), val));
    out.emplace_back(std::move(k), std::move(val));
  }
  return simdjson::SUCCESS;
}

error_code ReadIntArray(od::value v, std::vector<int32_t>& out) {
  out.clear();
  return ForEachElement(v, [&](od::value e) {
    int32_t x = 0;
    EL_TRY(ReadInt32(e, x));
    out.push_back(x);
    return simdjson::SUCCESS;
  });
}

// Index of an executor metric name (kExecutorMetricCount if unknown); `hint` as FindMetricKey.
size_t ExecutorMetricIndex(std::string_view key, size_t& hint) {
  for (size_t n = 0; n < kExecutorMetricCount; ++n) {
    size_t i = (hint + n) % kExecutorMetricCount;
    if (kExecutorMetricNames[i] == key) {
      hint = i + 1;
      return i;
    }
  }
  return kExecutorMetricCount;
}

error_code ReadExecutorMetrics(od::value v, ExecutorMetricValues& out, uint64_t& unknown) {
  out.fill(0);
  size_t hint = 0;
  return ForEachField(v, [&](std::string_view key, od::value val) {
    size_t i = ExecutorMetricIndex(key, hint);
    if (i == kExecutorMetricCount) {
      ++unknown;
      return simdjson::SUCCESS;
    }
    return ReadInt(val, out[i]);
  });
}

// Views into the parser's buffers; valid until the next line is parsed.
struct Accum {
  int64_t id = 0;
  std::optional<std::string_view> name;
  std::optional<std::string_view> update;
  std::optional<std::string_view> value;
  std::optional<bool> internal;
  std::string_view metadata;

  // Spark keeps only user accumulators (not internal metrics, not SQL metrics) per task/stage.
  bool IsUserVisible() const {
    bool is_internal = internal ? *internal : (name && name->starts_with("internal.metrics."));
    return !is_internal && metadata != "sql";
  }
};

// Strings unescaped (view into the parser's string buffer); other scalars as written.
error_code ReadTextView(od::value v, std::optional<std::string_view>& out) {
  od::json_type type;
  EL_TRY(v.type().get(type));
  switch (type) {
    case od::json_type::null:
      out.reset();
      return simdjson::SUCCESS;
    case od::json_type::string: {
      std::string_view s;
      EL_TRY(v.get_string().get(s));
      out = s;
      return simdjson::SUCCESS;
    }
    case od::json_type::object:
    case od::json_type::array:
      out = std::string_view();
      return simdjson::SUCCESS;
    default: {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() &&
             (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t' ||
              raw.back() == ',' || raw.back() == '}' || raw.back() == ']')) {
        raw.remove_suffix(1);
      }
      out = raw;
      return simdjson::SUCCESS;
    }
  }
}

using SqlUpdates = std::vector<std::pair<int64_t, int64_t>>;  // (accumulator id, update)

// A SQL metric update: an integer Update of an accumulator that is not an internal task metric.
void AddSqlUpdate(const Accum& a, SqlUpdates& out) {
  if (!a.update || (a.name && a.name->starts_with("internal.metrics."))) return;
  if (!a.metadata.empty() && a.metadata != "sql") return;
  int64_t v = 0;
  std::string_view u = *a.update;
  auto [ptr, ec] = std::from_chars(u.data(), u.data() + u.size(), v);
  if (ec == std::errc() && ptr == u.data() + u.size()) out.emplace_back(a.id, v);
}

error_code ReadAccumulables(od::value v, std::vector<Accum>& out, uint64_t& unknown,
                            SqlUpdates* sql_updates = nullptr) {
  out.clear();
  od::array arr;
  EL_TRY(v.get_array().get(arr));
  for (auto e : arr) {
    od::object obj;
    EL_TRY(e.get_object().get(obj));
    Accum a;
    for (auto f : obj) {
      od::field field;
      EL_TRY(std::move(f).get(field));
      std::string_view key = RawKey(field);
      if (Is(key, "ID")) {
        EL_TRY(ReadInt(field.value(), a.id));
      } else if (Is(key, "Name")) {
        EL_TRY(ReadTextView(field.value(), a.name));
      } else if (Is(key, "Update")) {
        EL_TRY(ReadTextView(field.value(), a.update));
      } else if (Is(key, "Value")) {
        EL_TRY(ReadTextView(field.value(), a.value));
      } else if (Is(key, "Internal")) {
        bool b;
        EL_TRY(ReadBool(field.value(), b));
        a.internal = b;
        // Internal task metrics repeat Task Metrics; skip the rest of the object.
        if (b && (!sql_updates || !a.name || a.name->starts_with("internal.metrics."))) break;
      } else if (Is(key, "Metadata")) {
        std::optional<std::string_view> m;
        EL_TRY(ReadTextView(field.value(), m));
        a.metadata = m.value_or("");
      } else if (Is(key, "Count Failed Values")) {
      } else {
        ++unknown;
      }
    }
    if (sql_updates) AddSqlUpdate(a, *sql_updates);
    if (a.IsUserVisible()) out.push_back(a);
  }
  return simdjson::SUCCESS;
}

std::vector<AccumulableUpdate> VisibleAccumulables(const std::vector<Accum>& accums,
                                                   bool with_update) {
  std::vector<AccumulableUpdate> out;
  for (const auto& a : accums) {
    if (!a.IsUserVisible()) continue;
    AccumulableUpdate u;
    u.id = a.id;
    u.name = std::string(a.name.value_or(""));
    if (with_update && a.update) u.update = std::string(*a.update);
    u.value = std::string(a.value.value_or(""));
    out.push_back(std::move(u));
  }
  return out;
}

error_code ReadStorageLevel(od::value v, RddInfo& rdd) {
  return ForEachField(v, [&](std::string_view key, od::value val) {
    if (Is(key, "Use Disk")) return ReadBool(val, rdd.use_disk);
    if (Is(key, "Use Memory")) return ReadBool(val, rdd.use_memory);
    if (Is(key, "Use Off Heap")) return ReadBool(val, rdd.use_off_heap);
    if (Is(key, "Deserialized")) return ReadBool(val, rdd.deserialized);
    if (Is(key, "Replication")) return ReadInt32(val, rdd.replication);
    return simdjson::SUCCESS;
  });
}

error_code ReadRddInfos(od::value v, std::vector<RddInfo>& out) {
  out.clear();
  return ForEachElement(v, [&](od::value e) {
    RddInfo rdd;
    EL_TRY(ForEachField(e, [&](std::string_view key, od::value val) {
      if (Is(key, "RDD ID")) return ReadInt32(val, rdd.id);
      if (Is(key, "Name")) return ReadString(val, rdd.name);
      if (Is(key, "Number of Partitions")) return ReadInt32(val, rdd.num_partitions);
      if (Is(key, "Storage Level")) return ReadStorageLevel(val, rdd);
      return simdjson::SUCCESS;
    }));
    out.push_back(std::move(rdd));
    return simdjson::SUCCESS;
  });
}

struct StageInfoJson {
  int32_t stage_id = 0, attempt = 0, num_tasks = 0, rp_id = 0, mergers = 0;
  std::string name, details;
  std::optional<int64_t> submission, completion;
  std::optional<std::string> failure;
  std::vector<RddInfo> rdds;
  std::vector<int32_t> parents;
  std::vector<Accum> accums;
  bool push_enabled = false;
};

error_code ReadStageInfo(od::value v, StageInfoJson& s, uint64_t& unknown) {
  s = StageInfoJson{};
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view key = RawKey(field);
    od::value val = field.value();
    if (Is(key, "Stage ID"))
      EL_TRY(ReadInt32(val, s.stage_id));
    else if (Is(key, "Stage Attempt ID"))
      EL_TRY(ReadInt32(val, s.attempt));
    else if (Is(key, "Stage Name"))
      EL_TRY(ReadString(val, s.name));
    else if (Is(key, "Number of Tasks"))
      EL_TRY(ReadInt32(val, s.num_tasks));
    else if (Is(key, "RDD Info"))
      EL_TRY(ReadRddInfos(val, s.rdds));
    else if (Is(key, "Parent IDs"))
      EL_TRY(ReadIntArray(val, s.parents));
    else if (Is(key, "Details"))
      EL_TRY(ReadString(val, s.details));
    else if (Is(key, "Submission Time")) {
      int64_t t;
      EL_TRY(ReadInt(val, t));
      s.submission = t;
    } else if (Is(key, "Completion Time")) {
      int64_t t;
      EL_TRY(ReadInt(val, t));
      s.completion = t;
    } else if (Is(key, "Failure Reason")) {
      EL_TRY(ReadOptString(val, s.failure));
    } else if (Is(key, "Accumulables")) {
      EL_TRY(ReadAccumulables(val, s.accums, unknown));
    } else if (Is(key, "Resource Profile Id")) {
      EL_TRY(ReadInt32(val, s.rp_id));
    } else if (Is(key, "Shuffle Push Enabled")) {
      EL_TRY(ReadBool(val, s.push_enabled));
    } else if (Is(key, "Shuffle Push Mergers Count")) {
      EL_TRY(ReadInt32(val, s.mergers));
    } else {
      ++unknown;
    }
  }
  return simdjson::SUCCESS;
}

struct TaskInfoJson {
  int64_t task_id = 0, launch = 0, getting_result = 0, finish = 0;
  int32_t index = 0, attempt = 0, partition = -1;
  std::string executor, host, locality;
  bool speculative = false, failed = false, killed = false;
  std::vector<Accum> accums;
};

// What a TaskEnd line's Task Info accumulables hold, found without parsing them. Internal task
// metrics and SQL metrics dominate TaskEnd lines; when nothing else can be there (Spark writes
// both in a fixed layout), the array is cut out of the line before parsing and the SQL metric
// updates are read straight from the text.
struct AccumScan {
  bool parse_array = false;  // user accumulators possible (or an unknown layout): parse it all
  size_t open = std::string_view::npos;   // the array's '[' when it can be cut out
  size_t close = std::string_view::npos;  // and its ']'
};

// The keys of one kind of JSON object in the order Spark writes them, kept as `"key":` padded
// to kMaxQuoted bytes, so a reader expecting the next key confirms it with one or two 16-byte
// compares instead of scanning the key for its end and comparing it against every name.
class KeyOrder {
 public:
  static constexpr size_t kMaxQuoted = 48;
  static constexpr size_t npos = std::string_view::npos;

  static constexpr size_t kMaxKeys = 64;  // FieldsInOrder tracks the keys seen in 64 bits

  template <class Names>
  explicit KeyOrder(const Names& names) {
    if (std::size(names) > kMaxKeys) std::abort();  // a programming error, caught by any test
    for (std::string_view name : names) {
      Entry e{};
      e.name = name;
      e.size = name.size() + 3;
      if (e.size <= kMaxQuoted) {
        e.quoted[0] = '"';
        std::memcpy(e.quoted + 1, name.data(), name.size());
        e.quoted[name.size() + 1] = '"';
        e.quoted[name.size() + 2] = ':';
      } else {
        e.size = 0;  // never matched by MatchAt; Find still knows it
      }
      entries_.push_back(e);
    }
  }
  KeyOrder(std::initializer_list<std::string_view> names) : KeyOrder(std::span(names)) {}

  size_t size() const { return entries_.size(); }
  std::string_view name(size_t i) const { return entries_[i].name; }
  size_t quoted_size(size_t i) const { return entries_[i].size; }
  // True when `"name(i)":` starts at p; kMaxQuoted bytes from p must be readable.
  bool MatchAt(const char* p, size_t i) const {
    const Entry& e = entries_[i];
    if (e.size == 0) return false;
#ifdef __SSE2__
    for (size_t off = 0; off < e.size; off += 16) {
      __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + off));
      __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(e.quoted + off));
      unsigned equal = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, b)));
      unsigned need = e.size - off >= 16 ? 0xFFFFu : (1u << (e.size - off)) - 1;
      if ((equal & need) != need) return false;
    }
    return true;
#else
    return std::memcmp(p, e.quoted, e.size) == 0;
#endif
  }
  // Index of `name`, npos if it is not one of the keys.
  size_t Find(std::string_view name) const {
    for (size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].name == name) return i;
    return npos;
  }

 private:
  struct Entry {
    char quoted[kMaxQuoted];
    size_t size;  // of `"name":`, 0 if longer than kMaxQuoted
    std::string_view name;
  };
  std::vector<Entry> entries_;
};

// A cursor over JSON as Spark writes it (no whitespace, no escapes in the parts it reads); any
// surprise makes the caller parse the line with the JSON parser instead.
class JsonCursor {
 public:
  // [p, end) must be followed by kLinePadding readable bytes.
  JsonCursor(const char* p, const char* end) : p_(p), end_(end) {}
  template <size_t N>
  bool Take(const char (&literal)[N]) {
    if (static_cast<size_t>(end_ - p_) < N - 1 || std::memcmp(p_, literal, N - 1) != 0)
      return false;
    p_ += N - 1;
    return true;
  }
  bool Take(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // An integer as JSON writes it (no leading zeros, no fraction or exponent after it).
  bool PlainInt(int64_t& v) { return scan::PlainInt(p_, end_, v); }
  bool Int32(int32_t& v) {
    int64_t x = 0;
    if (!PlainInt(x)) return false;
    v = static_cast<int32_t>(x);
    return true;
  }
  bool Bool(bool& b) {
    if (Take("true")) return b = true;
    b = false;
    return Take("false");
  }

  // While a template is learned (Learn), values read into the object at `base` are its holes;
  // everything else the cursor reads is fixed text. The *Field readers store into that object.
  struct Learning {
    LineTemplate* line = nullptr;
    std::byte* base = nullptr;
  };
  void Learn(Learning learning) { learning_ = learning; }
  Learning learning() const { return learning_; }
  bool IntField(int64_t& v) {
    return Hole(LineTemplate::Hole::kInt64, &v, [&] { return PlainInt(v); });
  }
  bool Int32Field(int32_t& v) {
    return Hole(LineTemplate::Hole::kInt32, &v, [&] { return Int32(v); });
  }
  bool BoolField(bool& b) {
    return Hole(LineTemplate::Hole::kBool, &b, [&] { return Bool(b); });
  }
  bool StringField(std::string& s) {
    std::string_view text;
    if (!String(text)) return false;
    s.assign(text);
    if (learning_.line)
      learning_.line->Add(LineTemplate::Hole::kString, text.data(), text.data() + text.size(),
                          OffsetOf(&s));
    return true;
  }
  // Marks a scalar read by Scalar() as a hole: its text is skipped, or with `key` appended to
  // the keyed values when it is an integer.
  void ScalarHole(std::string_view text, std::optional<int64_t> key) {
    if (!learning_.line) return;
    bool quoted = text.data()[-1] == '"';
    using H = LineTemplate::Hole;
    H kind =
        key ? (quoted ? H::kKeyedString : H::kKeyedBare) : (quoted ? H::kSkipString : H::kSkipBare);
    learning_.line->Add(kind, text.data(), text.data() + text.size(), 0, key.value_or(0));
  }
  // A string without escapes.
  bool String(std::string_view& out) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* close = scan::QuoteOrEscape(p_ + 1, end_);
    if (close >= end_ || *close != '"') return false;
    out = std::string_view(p_ + 1, static_cast<size_t>(close - p_ - 1));
    p_ = close + 1;
    return true;
  }
  // A string without escapes, or a bare scalar up to the next ',', '}' or ']'.
  bool Scalar(std::string_view& out) {
    if (p_ < end_ && *p_ == '"') return String(out);
    const char* q = scan::BareEnd(p_, end_);
    out = std::string_view(p_, static_cast<size_t>(q - p_));
    p_ = q;
    return !out.empty();
  }
  // `"key":` with a key without escapes.
  bool Key(std::string_view& key) { return String(key) && Take(':'); }
  // Calls field(key) for each field of an object; field() consumes the value.
  template <class Fn>
  bool Fields(Fn&& field) {
    if (!Take('{')) return false;
    if (Take('}')) return true;
    while (true) {
      std::string_view key;
      if (!Key(key) || !field(key)) return false;
      if (Take(',')) continue;
      return Take('}');
    }
  }
  // Fields() for an object whose keys usually come in `order`: field(i, key) gets the key's
  // index in `order` (KeyOrder::npos for other keys). The expected next key is confirmed
  // without scanning it; any other key is read and looked up. A key of `order` that comes
  // twice fails (readers reset what they fill, which a template would not repeat).
  template <class Fn>
  bool FieldsInOrder(const KeyOrder& order, Fn&& field) {
    if (!Take('{')) return false;
    if (Take('}')) return true;
    size_t next = 0;
    uint64_t seen = 0;
    while (true) {
      size_t i = KeyOrder::npos;
      std::string_view key;
      if (next < order.size() && order.MatchAt(p_, next)) {
        i = next;
        key = order.name(i);
        p_ += order.quoted_size(i);
      } else {
        if (!Key(key)) return false;
        i = order.Find(key);
      }
      if (i != KeyOrder::npos) {
        if (seen & (uint64_t{1} << i)) return false;
        seen |= uint64_t{1} << i;
      }
      if (!field(i, key)) return false;
      if (i != KeyOrder::npos) next = i + 1;
      if (Take(',')) continue;
      return Take('}');
    }
  }
  bool AtEnd() const { return p_ == end_; }
  void Skip(const char* to) { p_ = to; }
  char Peek() const { return p_ < end_ ? *p_ : '\0'; }
  const char* pos() const { return p_; }

 private:
  size_t OffsetOf(const void* field) const {
    return static_cast<size_t>(static_cast<const std::byte*>(field) - learning_.base);
  }
  template <class Read>
  bool Hole(LineTemplate::Hole kind, const void* field, Read read) {
    const char* begin = p_;
    if (!read()) return false;
    if (learning_.line) learning_.line->Add(kind, begin, p_, OffsetOf(field));
    return true;
  }

  const char* p_;
  const char* end_;
  Learning learning_;
};

// Walks Task Info's accumulables in the layout Spark writes; collects SQL metric updates.
// With `learning`, their Update and Value texts are holes of the template learned.
AccumScan WalkAccumulables(const char* begin, const char* open, const char* end,
                           SqlUpdates& sql_updates, JsonCursor::Learning learning = {});

AccumScan ScanAccumulables(std::string_view line, SqlUpdates& sql_updates) {
  constexpr std::string_view kKey = "\"Accumulables\":";
  AccumScan scan;
  const char* begin = line.data();
  const char* end = begin + line.size();
  const char* open = nullptr;
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '[', end - p))); ++p) {
    if (static_cast<size_t>(p - begin) >= kKey.size() &&
        std::memcmp(p - kKey.size(), kKey.data(), kKey.size()) == 0) {
      open = p;
      break;
    }
  }
  if (!open) return scan;
  return WalkAccumulables(begin, open, end, sql_updates);
}

// The accumulables array starting at `open` ('[') of the line starting at `begin`.
AccumScan WalkAccumulables(const char* begin, const char* open, const char* end,
                           SqlUpdates& sql_updates, JsonCursor::Learning learning) {
  AccumScan scan;
  if (open + 1 < end && open[1] == ']') return scan;  // nothing to parse
  size_t mark = sql_updates.size();
  auto parse_all = [&] {
    sql_updates.resize(mark);
    scan.parse_array = true;
    return scan;
  };
  JsonCursor c(open + 1, end);
  c.Learn(learning);
  while (true) {
    int64_t id = 0;
    std::string_view name, update, value;
    bool internal = false, count_failed = false;
    if (!c.Take("{\"ID\":") || !c.PlainInt(id) || !c.Take(",\"Name\":") || !c.Scalar(name) ||
        !c.Take(",\"Update\":") || !c.Scalar(update) || !c.Take(",\"Value\":") ||
        !c.Scalar(value) || !c.Take(",\"Internal\":") || !c.Bool(internal) ||
        !c.Take(",\"Count Failed Values\":") || !c.Bool(count_failed)) {
      return parse_all();
    }
    bool sql = c.Take(",\"Metadata\":\"sql\"");
    if (!c.Take("}")) return parse_all();
    if (!internal && !sql) return parse_all();  // a user accumulator: the model keeps it
    bool sql_update = sql && !name.starts_with("internal.metrics.");
    if (sql_update) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(update.data(), update.data() + update.size(), v);
      if (ec == std::errc() && ptr == update.data() + update.size())
        sql_updates.emplace_back(id, v);
    }
    c.ScalarHole(update, sql_update ? std::optional<int64_t>(id) : std::nullopt);
    c.ScalarHole(value, std::nullopt);
    if (c.Take(',')) continue;
    if (c.Peek() != ']') return parse_all();
    scan.open = static_cast<size_t>(open - begin);
    scan.close = static_cast<size_t>(c.pos() - begin);
    return scan;
  }
}

// The line to parse: `line` itself, or a padded copy in `scratch` without the accumulables.
std::string_view CutAccumulables(std::string_view line, const AccumScan& scan,
                                 std::string& scratch) {
  if (scan.open == std::string_view::npos || scan.close == std::string_view::npos) return line;
  scratch.assign(line.data(), scan.open + 1);
  scratch.append(line.data() + scan.close, line.size() - scan.close);
  scratch.reserve(scratch.size() + kLinePadding);
  return scratch;
}

// Every field to its default (fields a line lacks must not keep another line's values: lines
// are parsed into reused slots on several threads).
void ResetTaskInfo(TaskInfoJson& t) {
  t.task_id = t.launch = t.getting_result = t.finish = 0;
  t.index = t.attempt = 0;
  t.partition = -1;
  t.executor.clear();
  t.host.clear();
  t.locality.clear();
  t.speculative = t.failed = t.killed = false;
  t.accums.clear();
}

error_code ReadTaskInfo(od::value v, TaskInfoJson& t, uint64_t& unknown, bool want_accums = true,
                        SqlUpdates* sql_updates = nullptr) {
  ResetTaskInfo(t);
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view key = RawKey(field);
    od::value val = field.value();
    if (Is(key, "Task ID"))
      EL_TRY(ReadInt(val, t.task_id));
    else if (Is(key, "Index"))
      EL_TRY(ReadInt32(val, t.index));
    else if (Is(key, "Attempt"))
      EL_TRY(ReadInt32(val, t.attempt));
    else if (Is(key, "Partition ID"))
      EL_TRY(ReadInt32(val, t.partition));
    else if (Is(key, "Launch Time"))
      EL_TRY(ReadInt(val, t.launch));
    else if (Is(key, "Executor ID"))
      EL_TRY(ReadString(val, t.executor));
    else if (Is(key, "Host"))
      EL_TRY(ReadString(val, t.host));
    else if (Is(key, "Locality"))
      EL_TRY(ReadString(val, t.locality));
    else if (Is(key, "Speculative"))
      EL_TRY(ReadBool(val, t.speculative));
    else if (Is(key, "Getting Result Time"))
      EL_TRY(ReadInt(val, t.getting_result));
    else if (Is(key, "Finish Time"))
      EL_TRY(ReadInt(val, t.finish));
    else if (Is(key, "Failed"))
      EL_TRY(ReadBool(val, t.failed));
    else if (Is(key, "Killed"))
      EL_TRY(ReadBool(val, t.killed));
    else if (Is(key, "Accumulables")) {
      if (want_accums) EL_TRY(ReadAccumulables(val, t.accums, unknown, sql_updates));
    } else
      ++unknown;
  }
  return simdjson::SUCCESS;
}

// Spark's Task Metrics layout: key → metric, per (nested) object. Shared by the JSON parser
// and the fixed-layout fast path so both know the same keys.
using MetricKeys = std::span<const std::pair<std::string_view, TaskMetric>>;
constexpr std::pair<std::string_view, TaskMetric> kTaskMetricKeys[] = {
    {"Executor Deserialize Time", kExecutorDeserializeTime},
    {"Executor Deserialize CPU Time", kExecutorDeserializeCpuTime},
    {"Executor Run Time", kExecutorRunTime},
    {"Executor CPU Time", kExecutorCpuTime},
    {"Peak Execution Memory", kPeakExecutionMemory},
    {"Result Size", kResultSize},
    {"JVM GC Time", kJvmGcTime},
    {"Result Serialization Time", kResultSerializationTime},
    {"Memory Bytes Spilled", kMemoryBytesSpilled},
    {"Disk Bytes Spilled", kDiskBytesSpilled}};
constexpr std::pair<std::string_view, TaskMetric> kShuffleReadKeys[] = {
    {"Remote Blocks Fetched", kShuffleRemoteBlocksFetched},
    {"Local Blocks Fetched", kShuffleLocalBlocksFetched},
    {"Fetch Wait Time", kShuffleFetchWaitTime},
    {"Remote Bytes Read", kShuffleRemoteBytesRead},
    {"Remote Bytes Read To Disk", kShuffleRemoteBytesReadToDisk},
    {"Local Bytes Read", kShuffleLocalBytesRead},
    {"Total Records Read", kShuffleRecordsRead},
    {"Remote Requests Duration", kShuffleRemoteReqsDuration}};
constexpr std::pair<std::string_view, TaskMetric> kPushReadKeys[] = {
    {"Corrupt Merged Block Chunks", kPushCorruptMergedBlockChunks},
    {"Merged Fetch Fallback Count", kPushMergedFetchFallbackCount},
    {"Merged Remote Blocks Fetched", kPushMergedRemoteBlocksFetched},
    {"Merged Local Blocks Fetched", kPushMergedLocalBlocksFetched},
    {"Merged Remote Chunks Fetched", kPushMergedRemoteChunksFetched},
    {"Merged Local Chunks Fetched", kPushMergedLocalChunksFetched},
    {"Merged Remote Bytes Read", kPushMergedRemoteBytesRead},
    {"Merged Local Bytes Read", kPushMergedLocalBytesRead},
    {"Merged Remote Requests Duration", kPushMergedRemoteReqsDuration},
    {"Merged Fallback Count", kPushMergedFetchFallbackCount}};  // an older name
constexpr std::pair<std::string_view, TaskMetric> kShuffleWriteKeys[] = {
    {"Shuffle Bytes Written", kShuffleBytesWritten},
    {"Shuffle Write Time", kShuffleWriteTime},
    {"Shuffle Records Written", kShuffleRecordsWritten}};
constexpr std::pair<std::string_view, TaskMetric> kInputKeys[] = {
    {"Bytes Read", kInputBytesRead}, {"Records Read", kInputRecordsRead}};
constexpr std::pair<std::string_view, TaskMetric> kOutputKeys[] = {
    {"Bytes Written", kOutputBytesWritten}, {"Records Written", kOutputRecordsWritten}};

bool IsPushKey(std::string_view key) {
  return Is(key, "Push Based Shuffle") || Is(key, "Shuffle Push Read Metrics");
}
bool IsIgnoredMetricKey(std::string_view key) {
  return Is(key, "Data Read Method") || Is(key, "Data Write Method");
}
bool IsIgnoredTaskMetricKey(std::string_view key) {
  return Is(key, "Updated Blocks") || Is(key, "Peak On Heap Execution Memory") ||
         Is(key, "Peak Off Heap Execution Memory");
}
// The slot of `key` in `keys`; `hint` is where the previous key was found (layouts are fixed,
// so the next key is usually the next entry).
const std::pair<std::string_view, TaskMetric>* FindMetricKey(MetricKeys keys, std::string_view key,
                                                             size_t& hint) {
  for (size_t n = 0; n < keys.size(); ++n) {
    size_t i = (hint + n) % keys.size();
    if (keys[i].first == key) {
      hint = i + 1;
      return &keys[i];
    }
  }
  return nullptr;
}

error_code ReadMetricObject(od::value v, TaskMetricValues& m, uint64_t& unknown, MetricKeys keys,
                            TaskMetricValues* push_target = nullptr) {
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  size_t hint = 0;
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view key = RawKey(field);
    if (auto* slot = FindMetricKey(keys, key, hint)) {
      EL_TRY(ReadInt(field.value(), m[slot->second]));
    } else if (push_target && IsPushKey(key)) {
      EL_TRY(ReadMetricObject(field.value(), *push_target, unknown, kPushReadKeys));
    } else if (!IsIgnoredMetricKey(key)) {
      ++unknown;
    }
  }
  return simdjson::SUCCESS;
}

error_code ReadTaskMetrics(od::value v, TaskMetricValues& m, uint64_t& unknown) {
  m.fill(0);
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  size_t hint = 0;
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view key = RawKey(field);
    od::value val = field.value();
    if (auto* slot = FindMetricKey(kTaskMetricKeys, key, hint)) {
      EL_TRY(ReadInt(val, m[slot->second]));
    } else if (Is(key, "Shuffle Read Metrics")) {
      EL_TRY(ReadMetricObject(val, m, unknown, kShuffleReadKeys, &m));
    } else if (Is(key, "Shuffle Write Metrics")) {
      EL_TRY(ReadMetricObject(val, m, unknown, kShuffleWriteKeys));
    } else if (Is(key, "Input Metrics")) {
      EL_TRY(ReadMetricObject(val, m, unknown, kInputKeys));
    } else if (Is(key, "Output Metrics")) {
      EL_TRY(ReadMetricObject(val, m, unknown, kOutputKeys));
    } else if (!IsIgnoredTaskMetricKey(key)) {
      ++unknown;
    }
  }
  return simdjson::SUCCESS;
}

std::string StackTraceText(const std::vector<std::array<std::string, 3>>& frames,
                           const std::vector<int64_t>& lines) {
  std::string out;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i) out += '\n';
    const auto& [cls, method, file] = frames[i];
    std::string location;
    if (lines[i] == -2)
      location = "Native Method";
    else if (file.empty())
      location = "Unknown Source";
    else if (lines[i] >= 0)
      location = fmt::format("{}:{}", file, lines[i]);
    else
      location = file;
    out += fmt::format("        {}.{}({})", cls, method, location);
  }
  return out;
}

struct TaskEndReasonJson {
  std::string reason = "Success";
  std::string class_name, description, full_stack_trace, kill_reason, message, loss_reason;
  std::string bm_executor, bm_host;
  int64_t bm_port = 0;
  bool have_bm = false, have_full_stack = false, have_loss_reason = false,
       exit_caused_by_app = true;
  std::string executor_id;
  int64_t shuffle_id = 0, map_id = 0, map_index = std::numeric_limits<int32_t>::min(),
          reduce_id = 0, job_id = 0, partition_id = 0, attempt_number = 0;
  std::vector<std::array<std::string, 3>> frames;
  std::vector<int64_t> frame_lines;

  std::string ErrorString() const {
    if (reason == "ExceptionFailure") {
      if (have_full_stack) return full_stack_trace;
      return fmt::format("{}: {}\n{}", class_name, description,
                         StackTraceText(frames, frame_lines));
    }
    if (reason == "FetchFailed") {
      std::string bm =
          have_bm ? fmt::format("BlockManagerId({}, {}, {}, None)", bm_executor, bm_host, bm_port)
                  : "null";
      std::string idx = map_index == std::numeric_limits<int32_t>::min()
                            ? std::string("Unknown")
                            : std::to_string(map_index);
      return fmt::format(
          "FetchFailed({}, shuffleId={}, mapIndex={}, mapId={}, reduceId={}, message=\n{}\n)", bm,
          shuffle_id, idx, map_id, reduce_id, message);
    }
    if (reason == "ExecutorLostFailure") {
      return fmt::format("ExecutorLostFailure (executor {} exited {})", executor_id,
                         exit_caused_by_app ? "caused by one of the running tasks"
                                            : "unrelated to the running tasks") +
             (have_loss_reason ? " Reason: " + loss_reason : "");
    }
    if (reason == "TaskKilled") return kill_reason;
    if (reason == "TaskCommitDenied") {
      return fmt::format(
          "TaskCommitDenied (Driver denied task commit) for job: {}, partition: {}, "
          "attemptNumber: {}",
          job_id, partition_id, attempt_number);
    }
    if (reason == "Resubmitted") return "Resubmitted (resubmitted due to lost executor)";
    if (reason == "TaskResultLost") return "TaskResultLost (result lost from block manager)";
    return "UnknownReason";
  }
};

error_code ReadBlockManagerId(od::value v, std::string& executor, std::string& host,
                              int64_t& port) {
  return ForEachField(v, [&](std::string_view key, od::value val) {
    if (Is(key, "Executor ID")) return ReadString(val, executor);
    if (Is(key, "Host")) return ReadString(val, host);
    if (Is(key, "Port")) return ReadInt(val, port);
    return simdjson::SUCCESS;
  });
}

error_code ReadStackTrace(od::value v, TaskEndReasonJson& r) {
  return ForEachElement(v, [&](od::value e) {
    std::array<std::string, 3> frame;
    int64_t line = -1;
    EL_TRY(ForEachField(e, [&](std::string_view key, od::value val) {
      if (Is(key, "Declaring Class")) return ReadString(val, frame[0]);
      if (Is(key, "Method Name")) return ReadString(val, frame[1]);
      if (Is(key, "File Name")) return ReadString(val, frame[2]);
      if (Is(key, "Line Number")) return ReadInt(val, line);
      return simdjson::SUCCESS;
    }));
    r.frames.push_back(std::move(frame));
    r.frame_lines.push_back(line);
    return simdjson::SUCCESS;
  });
}

error_code ReadTaskEndReason(od::value v, TaskEndReasonJson& r) {
  r = TaskEndReasonJson{};
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view key = RawKey(field);
    od::value val = field.value();
    if (Is(key, "Reason"))
      EL_TRY(ReadString(val, r.reason));
    else if (Is(key, "Class Name"))
      EL_TRY(ReadString(val, r.class_name));
    else if (Is(key, "Description"))
      EL_TRY(ReadString(val, r.description));
    else if (Is(key, "Full Stack Trace")) {
      od::json_type type;
      EL_TRY(val.type().get(type));
      if (type != od::json_type::null) {
        EL_TRY(ReadString(val, r.full_stack_trace));
        r.have_full_stack = true;
      }
    } else if (Is(key, "Stack Trace"))
      EL_TRY(ReadStackTrace(val, r));
    else if (Is(key, "Kill Reason"))
      EL_TRY(ReadString(val, r.kill_reason));
    else if (Is(key, "Message"))
      EL_TRY(ReadString(val, r.message));
    else if (Is(key, "Loss Reason")) {
      EL_TRY(ReadString(val, r.loss_reason));
      r.have_loss_reason = true;
    } else if (Is(key, "Executor ID"))
      EL_TRY(ReadString(val, r.executor_id));
    else if (Is(key, "Exit Caused By App"))
      EL_TRY(ReadBool(val, r.exit_caused_by_app));
    else if (Is(key, "Shuffle ID"))
      EL_TRY(ReadInt(val, r.shuffle_id));
    else if (Is(key, "Map ID"))
      EL_TRY(ReadInt(val, r.map_id));
    else if (Is(key, "Map Index"))
      EL_TRY(ReadInt(val, r.map_index));
    else if (Is(key, "Reduce ID"))
      EL_TRY(ReadInt(val, r.reduce_id));
    else if (Is(key, "Job ID"))
      EL_TRY(ReadInt(val, r.job_id));
    else if (Is(key, "Partition ID"))
      EL_TRY(ReadInt(val, r.partition_id));
    else if (Is(key, "Attempt Number"))
      EL_TRY(ReadInt(val, r.attempt_number));
    else if (Is(key, "Block Manager Address")) {
      od::json_type type;
      EL_TRY(val.type().get(type));
      if (type == od::json_type::object) {
        r.have_bm = true;
        EL_TRY(ReadBlockManagerId(val, r.bm_executor, r.bm_host, r.bm_port));
      }
    }
  }
  return simdjson::SUCCESS;
}

// A parsed TaskStart/TaskEnd, owning everything it needs, so lines can be parsed on worker
// threads and applied to the model in order later.
struct TaskEvent {
  int32_t stage_id = 0, attempt = 0;
  bool have_info = false, have_metrics = false, have_exec_metrics = false;
  TaskInfoJson info;
  TaskEndReasonJson reason;
  bool reason_read = false;  // reason may differ from the default (ParseTaskEnd wrote it)
  TaskMetricValues metrics{};
  ExecutorMetricValues exec_metrics{};
  std::vector<AccumulableUpdate> visible;  // user accumulators (TaskEnd)
  SqlUpdates sql_updates;                  // SQL metric updates (TaskEnd)
  AccumScan scan;                          // of the TaskEnd line, before parsing
  uint64_t unknown = 0;
};

error_code ParseTaskStart(od::object& obj, TaskEvent& ev);
error_code ParseTaskEnd(od::object& obj, TaskEvent& ev);

// A metric object's keys in the order Spark writes them, each with its metric slot (-1: a key
// that is not a metric of `keys`). Keys of `keys` missing from `spark_order` are appended, so
// every key the JSON-parser path knows is found here too.
struct MetricLayout {
  static std::vector<std::string_view> Names(MetricKeys keys,
                                             std::initializer_list<std::string_view> spark_order) {
    std::vector<std::string_view> names(spark_order);
    for (const auto& [name, metric] : keys)
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    return names;
  }
  MetricLayout(MetricKeys keys, std::initializer_list<std::string_view> spark_order)
      : order(Names(keys, spark_order)) {
    for (size_t i = 0; i < order.size(); ++i) {
      size_t hint = 0;
      const auto* entry = FindMetricKey(keys, order.name(i), hint);
      slot.push_back(entry ? static_cast<int>(entry->second) : -1);
    }
  }
  KeyOrder order;
  std::vector<int> slot;
};

const MetricLayout kPushReadLayout(kPushReadKeys, {});
const MetricLayout kShuffleReadLayout(
    kShuffleReadKeys, {"Remote Blocks Fetched", "Local Blocks Fetched", "Fetch Wait Time",
                       "Remote Bytes Read", "Remote Bytes Read To Disk", "Local Bytes Read",
                       "Total Records Read", "Remote Requests Duration", "Push Based Shuffle"});
const MetricLayout kShuffleWriteLayout(kShuffleWriteKeys, {});
const MetricLayout kInputLayout(kInputKeys, {});
const MetricLayout kOutputLayout(kOutputKeys, {});

// Task Metrics in Spark's layout (keys as ReadTaskMetrics knows them); false on anything else.
bool FastMetricObject(JsonCursor& c, TaskMetricValues& m, const MetricLayout& layout,
                      TaskMetricValues* push_target) {
  return c.FieldsInOrder(layout.order, [&](size_t i, std::string_view key) {
    if (i != KeyOrder::npos && layout.slot[i] >= 0) return c.IntField(m[layout.slot[i]]);
    if (push_target && IsPushKey(key))
      return FastMetricObject(c, *push_target, kPushReadLayout, nullptr);
    std::string_view ignored;
    return IsIgnoredMetricKey(key) && c.String(ignored);
  });
}

// Task Metrics into m (zeroed by ResetTaskEnd before the line).
bool FastTaskMetrics(JsonCursor& c, TaskMetricValues& m) {
  static const MetricLayout kLayout(
      kTaskMetricKeys,
      {"Executor Deserialize Time", "Executor Deserialize CPU Time", "Executor Run Time",
       "Executor CPU Time", "Peak Execution Memory", "Peak On Heap Execution Memory",
       "Peak Off Heap Execution Memory", "Result Size", "JVM GC Time", "Result Serialization Time",
       "Memory Bytes Spilled", "Disk Bytes Spilled", "Shuffle Read Metrics",
       "Shuffle Write Metrics", "Input Metrics", "Output Metrics", "Updated Blocks"});
  return c.FieldsInOrder(kLayout.order, [&](size_t i, std::string_view key) {
    if (i != KeyOrder::npos && kLayout.slot[i] >= 0) return c.IntField(m[kLayout.slot[i]]);
    if (Is(key, "Shuffle Read Metrics")) return FastMetricObject(c, m, kShuffleReadLayout, &m);
    if (Is(key, "Shuffle Write Metrics"))
      return FastMetricObject(c, m, kShuffleWriteLayout, nullptr);
    if (Is(key, "Input Metrics")) return FastMetricObject(c, m, kInputLayout, nullptr);
    if (Is(key, "Output Metrics")) return FastMetricObject(c, m, kOutputLayout, nullptr);
    if (Is(key, "Updated Blocks")) return c.Take("[]");
    int64_t ignored;
    return IsIgnoredTaskMetricKey(key) && c.PlainInt(ignored);
  });
}

// Task Info as ReadTaskInfo reads it, into ev.info (reset by ResetTaskStart before the line).
// With `accumulables`, an array of internal and SQL metrics is walked (ev.scan,
// ev.sql_updates); without, only an empty array is accepted.
bool FastTaskInfo(JsonCursor& c, std::string_view line, TaskEvent& ev, bool accumulables) {
  static const KeyOrder kOrder{
      "Task ID",     "Index",  "Attempt",  "Partition ID", "Launch Time",
      "Executor ID", "Host",   "Locality", "Speculative",  "Getting Result Time",
      "Finish Time", "Failed", "Killed",   "Accumulables"};
  TaskInfoJson& t = ev.info;
  return c.FieldsInOrder(kOrder, [&](size_t i, std::string_view) {
    switch (i) {
      case 0:
        return c.IntField(t.task_id);
      case 1:
        return c.Int32Field(t.index);
      case 2:
        return c.Int32Field(t.attempt);
      case 3:
        return c.Int32Field(t.partition);
      case 4:
        return c.IntField(t.launch);
      case 5:
        return c.StringField(t.executor);
      case 6:
        return c.StringField(t.host);
      case 7:
        return c.StringField(t.locality);
      case 8:
        return c.BoolField(t.speculative);
      case 9:
        return c.IntField(t.getting_result);
      case 10:
        return c.IntField(t.finish);
      case 11:
        return c.BoolField(t.failed);
      case 12:
        return c.BoolField(t.killed);
      case 13: {
        if (!accumulables || c.Peek() != '[') return c.Take("[]");
        const char* open = c.pos();
        ev.scan = WalkAccumulables(line.data(), open, line.data() + line.size(), ev.sql_updates,
                                   c.learning());
        if (ev.scan.parse_array) return false;
        if (ev.scan.open == std::string_view::npos) return c.Take("[]");
        c.Skip(line.data() + ev.scan.close + 1);
        return true;
      }
      default:
        return false;
    }
  });
}

// TaskStart as ParseTaskStart reads it, without the JSON parser; false: not Spark's layout.
// True when the cursor is at the end of the line: the end of `text`, or a '\n' ("\r\n") when
// the caller reads a line whose end it has not looked for (`length` is then its length).
bool AtLineEnd(const JsonCursor& c, std::string_view text, size_t* length) {
  if (!length) return c.AtEnd();
  char next = c.Peek();
  if (!c.AtEnd() && next != '\n' && next != '\r') return false;
  *length = static_cast<size_t>(c.pos() - text.data());
  return next != '\r' || text.substr(*length + 1).starts_with('\n');
}

// What FastTaskStart and FastTaskEnd set before reading a line (what a line lacks keeps these;
// the readers below only store what they read, so a template can replay them).
void ResetTaskStart(TaskEvent& ev) {
  ev.stage_id = ev.attempt = 0;
  ev.have_info = false;
  ev.unknown = 0;
  ResetTaskInfo(ev.info);
}

void ResetTaskEnd(TaskEvent& ev) {
  ResetTaskStart(ev);
  ev.sql_updates.clear();
  ev.scan = AccumScan{};
  ev.have_metrics = ev.have_exec_metrics = false;
  if (ev.reason_read) {  // a default reason is left as it is: constructing one costs 5% of a replay
    ev.reason = TaskEndReasonJson{};
    ev.reason_read = false;
  }
  ev.metrics.fill(0);
  ev.exec_metrics.fill(0);
  ev.visible.clear();
}

// Starts learning `learn` (if any) from the line a cursor is about to read into ev.
void StartLearning(JsonCursor& c, std::string_view line, TaskEvent& ev, LineTemplate* learn) {
  if (!learn) return;
  learn->Start(line.data());
  c.Learn({learn, reinterpret_cast<std::byte*>(&ev)});
}

bool FinishTaskLine(JsonCursor& c, std::string_view line, size_t* length, LineTemplate* learn) {
  if (!AtLineEnd(c, line, length)) return false;
  if (learn) learn->Finish(c.pos());
  return true;
}

// With `learn`, the line also teaches that template (valid when true is returned).
bool FastTaskStart(std::string_view line, TaskEvent& ev, size_t* length = nullptr,
                   LineTemplate* learn = nullptr) {
  JsonCursor c(line.data(), line.data() + line.size());
  ResetTaskStart(ev);
  StartLearning(c, line, ev, learn);
  static const KeyOrder kOrder{"Event", "Stage ID", "Stage Attempt ID", "Task Info"};
  bool ok = c.FieldsInOrder(kOrder, [&](size_t i, std::string_view) {
    std::string_view text;
    switch (i) {
      case 0:
        return c.String(text);
      case 1:
        return c.Int32Field(ev.stage_id);
      case 2:
        return c.Int32Field(ev.attempt);
      case 3:
        ev.have_info = true;
        return FastTaskInfo(c, line, ev, /*accumulables=*/false);
      default:
        return false;
    }
  });
  return ok && FinishTaskLine(c, line, length, learn);
}

// The common TaskEnd (a successful task whose accumulables are internal or SQL metrics) read
// without the JSON parser, into exactly what ScanAccumulables + ParseTaskEnd produce. False:
// not in that form (then nothing in ev is to be relied on).
bool FastTaskEnd(std::string_view line, TaskEvent& ev, size_t* length = nullptr,
                 LineTemplate* learn = nullptr) {
  JsonCursor c(line.data(), line.data() + line.size());
  ResetTaskEnd(ev);
  StartLearning(c, line, ev, learn);
  static const KeyOrder kOrder{
      "Event",           "Stage ID",  "Stage Attempt ID",      "Task Type",
      "Task End Reason", "Task Info", "Task Executor Metrics", "Task Metrics"};
  static const KeyOrder kReasonOrder{"Reason"};
  static const KeyOrder kExecutorOrder(kExecutorMetricNames);
  bool ok = c.FieldsInOrder(kOrder, [&](size_t i, std::string_view) {
    std::string_view text;
    switch (i) {
      case 0:
      case 3:
        return c.String(text);
      case 1:
        return c.Int32Field(ev.stage_id);
      case 2:
        return c.Int32Field(ev.attempt);
      case 4:
        return c.FieldsInOrder(kReasonOrder, [&](size_t k, std::string_view) {
          return k == 0 && c.String(text) && text == "Success";
        });
      case 5:
        ev.have_info = true;
        return FastTaskInfo(c, line, ev, /*accumulables=*/true);
      case 6:
        ev.have_exec_metrics = true;
        return c.FieldsInOrder(kExecutorOrder, [&](size_t k, std::string_view) {
          return k < kExecutorMetricCount && c.IntField(ev.exec_metrics[k]);
        });
      case 7:
        if (c.Take("null")) return true;
        ev.have_metrics = true;
        return FastTaskMetrics(c, ev.metrics);
      default:
        return false;
    }
  });
  return ok && FinishTaskLine(c, line, length, learn);
}

// Task lines read through templates learned from the lines before them (most recently matched
// first); a line no template matches is read by FastTaskStart/FastTaskEnd, which teach a new
// one. Gives exactly what those give. One per thread.
class TaskLineReader {
 public:
  explicit TaskLineReader(bool templates = true) : templates_(templates) {}
  bool ReadStart(std::string_view text, TaskEvent& ev, size_t* length = nullptr) {
    return Read(starts_, text, ev, length, ResetTaskStart, FastTaskStart);
  }
  bool ReadEnd(std::string_view text, TaskEvent& ev, size_t* length = nullptr) {
    return Read(ends_, text, ev, length, ResetTaskEnd, FastTaskEnd);
  }

 private:
  static constexpr size_t kTemplates = 8;  // a stage's lines take 1-6 shapes (zero metrics)
  // Templates pay when most lines match one. When most lines of a window miss them all (many
  // stages interleaved), lines go straight to the cursor for a while.
  static constexpr int kWindow = 256, kBypassLines = 8192;
  struct Learned {
    LineTemplate line;
    bool have_info = false, have_metrics = false, have_exec_metrics = false;
  };
  struct Templates {
    std::vector<Learned> learned;
    int seen = 0, missed = 0, bypass = 0;
  };
  template <class Reset, class ReadFast>
  bool Read(Templates& t, std::string_view text, TaskEvent& ev, size_t* length, Reset reset,
            ReadFast read_fast) {
    if (!templates_ || t.bypass > 0) {
      if (t.bypass > 0) --t.bypass;
      return read_fast(text, ev, length, nullptr);
    }
    if (++t.seen == kWindow) {
      if (2 * t.missed > kWindow) t.bypass = kBypassLines;
      t.seen = t.missed = 0;
    }
    std::vector<Learned>& learned = t.learned;
    const char* end = text.data() + text.size();
    auto* base = reinterpret_cast<std::byte*>(&ev);
    for (size_t i = 0; i < learned.size(); ++i) {
      reset(ev);
      if (!learned[i].line.Match(text.data(), end, base, ev.sql_updates, length)) continue;
      ev.have_info = learned[i].have_info;
      ev.have_metrics = learned[i].have_metrics;
      ev.have_exec_metrics = learned[i].have_exec_metrics;
      std::rotate(learned.begin(), learned.begin() + static_cast<ptrdiff_t>(i),
                  learned.begin() + static_cast<ptrdiff_t>(i) + 1);
      return true;
    }
    ++t.missed;
    if (learned.size() < kTemplates) learned.emplace_back();
    std::rotate(learned.begin(), learned.end() - 1, learned.end());
    Learned& fresh = learned.front();  // the least recently matched one is relearned
    if (!read_fast(text, ev, length, &fresh.line)) {
      learned.erase(learned.begin());  // half learned
      return false;
    }
    fresh.have_info = ev.have_info;
    fresh.have_metrics = ev.have_metrics;
    fresh.have_exec_metrics = ev.have_exec_metrics;
    return true;
  }
  bool templates_;
  Templates starts_, ends_;
};

enum class EventKind {
  kUnknown,
  kIgnored,  // known, but nothing in the model depends on it
  kLogStart,
  kAppStart,
  kAppEnd,
  kEnvUpdate,
  kResourceProfileAdded,
  kExecutorAdded,
  kExecutorRemoved,
  kBlockManagerAdded,
  kBlockManagerRemoved,
  kJobStart,
  kJobEnd,
  kStageSubmitted,
  kStageCompleted,
  kTaskStart,
  kTaskGettingResult,
  kTaskEnd,
  kStageExecutorMetrics,
  kExecutorMetricsUpdate,
  kUnpersistRdd,
  kExecutorExcluded,
  kExecutorUnexcluded,
  kNodeExcluded,
  kNodeUnexcluded,
  kExecutorExcludedForStage,
  kNodeExcludedForStage,
  kMiscProcessAdded,
  kSqlStart,
  kSqlEnd,
  kSqlAdaptiveUpdate,
  kDriverAccumUpdates,
  kBlockUpdated,
};

EventKind ClassifyEvent(std::string_view name) {
  constexpr std::string_view kScheduler = "org.apache.spark.scheduler.";
  constexpr std::string_view kSqlUi = "org.apache.spark.sql.execution.ui.";
  if (name.starts_with("SparkListener")) {
    std::string_view n = name.substr(13);
    if (Is(n, "TaskEnd")) return EventKind::kTaskEnd;
    if (Is(n, "TaskStart")) return EventKind::kTaskStart;
    if (Is(n, "TaskGettingResult")) return EventKind::kTaskGettingResult;
    if (Is(n, "StageSubmitted")) return EventKind::kStageSubmitted;
    if (Is(n, "StageCompleted")) return EventKind::kStageCompleted;
    if (Is(n, "JobStart")) return EventKind::kJobStart;
    if (Is(n, "JobEnd")) return EventKind::kJobEnd;
    if (Is(n, "ExecutorAdded")) return EventKind::kExecutorAdded;
    if (Is(n, "ExecutorRemoved")) return EventKind::kExecutorRemoved;
    if (Is(n, "BlockManagerAdded")) return EventKind::kBlockManagerAdded;
    if (Is(n, "BlockManagerRemoved")) return EventKind::kBlockManagerRemoved;
    if (Is(n, "StageExecutorMetrics")) return EventKind::kStageExecutorMetrics;
    if (Is(n, "ExecutorMetricsUpdate")) return EventKind::kExecutorMetricsUpdate;
    if (Is(n, "ApplicationStart")) return EventKind::kAppStart;
    if (Is(n, "ApplicationEnd")) return EventKind::kAppEnd;
    if (Is(n, "EnvironmentUpdate")) return EventKind::kEnvUpdate;
    if (Is(n, "LogStart")) return EventKind::kLogStart;
    if (Is(n, "ResourceProfileAdded")) return EventKind::kResourceProfileAdded;
    if (Is(n, "UnpersistRDD")) return EventKind::kUnpersistRdd;
    if (Is(n, "BlockUpdated")) return EventKind::kBlockUpdated;
    if (Is(n, "SpeculativeTaskSubmitted") || Is(n, "UnschedulableTaskSetAdded") ||
        Is(n, "UnschedulableTaskSetRemoved"))
      return EventKind::kIgnored;
    return EventKind::kUnknown;
  }
  if (name.starts_with(kScheduler)) {
    std::string_view n = name.substr(kScheduler.size());
    if (Is(n, "SparkListenerExecutorExcluded") || Is(n, "SparkListenerExecutorBlacklisted"))
      return EventKind::kExecutorExcluded;
    if (Is(n, "SparkListenerExecutorUnexcluded") || Is(n, "SparkListenerExecutorUnblacklisted"))
      return EventKind::kExecutorUnexcluded;
    if (Is(n, "SparkListenerNodeExcluded") || Is(n, "SparkListenerNodeBlacklisted"))
      return EventKind::kNodeExcluded;
    if (Is(n, "SparkListenerNodeUnexcluded") || Is(n, "SparkListenerNodeUnblacklisted"))
      return EventKind::kNodeUnexcluded;
    if (Is(n, "SparkListenerExecutorExcludedForStage") ||
        Is(n, "SparkListenerExecutorBlacklistedForStage"))
      return EventKind::kExecutorExcludedForStage;
    if (Is(n, "SparkListenerNodeExcludedForStage") || Is(n, "SparkListenerNodeBlacklistedForStage"))
      return EventKind::kNodeExcludedForStage;
    if (Is(n, "SparkListenerMiscellaneousProcessAdded")) return EventKind::kMiscProcessAdded;
    return EventKind::kUnknown;
  }
  if (name.starts_with(kSqlUi)) {
    std::string_view n = name.substr(kSqlUi.size());
    if (Is(n, "SparkListenerSQLExecutionStart")) return EventKind::kSqlStart;
    if (Is(n, "SparkListenerSQLExecutionEnd")) return EventKind::kSqlEnd;
    if (Is(n, "SparkListenerSQLAdaptiveExecutionUpdate")) return EventKind::kSqlAdaptiveUpdate;
    if (Is(n, "SparkListenerDriverAccumUpdates")) return EventKind::kDriverAccumUpdates;
    // Adds metrics that no graph node shows.
    if (Is(n, "SparkListenerSQLAdaptiveSQLMetricUpdates")) return EventKind::kIgnored;
    return EventKind::kUnknown;
  }
  return EventKind::kUnknown;
}

}  // namespace

struct AppBuilder::Impl {
  explicit Impl(AppModel& m, BuilderOptions o)
      : model(m), options(o), task_lines(o.task_line_templates) {}

  AppModel& model;
  BuilderOptions options;
  od::parser parser;
  std::string scratch;      // padded copy for unpadded input
  std::string cut_scratch;  // TaskEnd lines without their accumulables
  TaskLineReader task_lines;
  uint64_t unknown = 0;

  // Reused per-event scratch.
  StageInfoJson stage_info;
  std::vector<StageInfoJson> job_stage_infos;
  TaskInfoJson task_info;
  TaskEndReasonJson reason;
  TaskMetricValues task_metrics{};
  ExecutorMetricValues executor_metrics{};
  std::vector<Accum> accums;
  Properties properties;

  void Line(std::string_view line, size_t capacity);
  std::string_view line;  // the line being applied
  error_code Dispatch(EventKind kind, od::object& obj);

  Executor& GetOrCreateExecutor(const std::string& id, int64_t time) {
    auto it = model.executors.find(id);
    if (it != model.executors.end()) return it->second;
    Executor& e = model.executors[id];
    e.id = id;
    e.add_time = time;
    model.executor_order.push_back(id);
    return e;
  }
  Executor* FindExecutor(const std::string& id) {
    auto it = model.executors.find(id);
    return it == model.executors.end() ? nullptr : &it->second;
  }
  Stage& GetOrCreateStage(const StageInfoJson& info) {
    auto& s = model.stages[{info.stage_id, info.attempt}];
    if (s.retired) {
      // Spark forgets a finished stage; a later job that lists it starts a fresh record.
      std::vector<uint32_t> tasks = std::move(s.tasks);
      s = Stage{};
      s.tasks = std::move(tasks);
    }
    if (s.name.empty() && s.num_tasks == 0 && s.rdd_ids.empty()) {
      s.stage_id = info.stage_id;
      s.attempt_id = info.attempt;
      ApplyStageInfo(s, info);
    }
    return s;
  }
  // Stages Spark still tracks as live (AppStatusListener.liveStages).
  Stage* FindStage(int32_t id, int32_t attempt) {
    auto it = model.stages.find({id, attempt});
    return it == model.stages.end() || it->second.retired ? nullptr : &it->second;
  }
  void ApplyStageInfo(Stage& s, const StageInfoJson& info) {
    s.name = info.name;
    s.details = info.details;
    s.num_tasks = info.num_tasks;
    s.resource_profile_id = info.rp_id;
    s.shuffle_push_enabled = info.push_enabled;
    s.shuffle_mergers_count = info.mergers;
    s.submission_time = info.submission;
    s.completion_time = info.completion;
    s.failure_reason = info.failure;
    s.parent_ids = info.parents;
    s.rdd_ids.clear();
    for (const auto& r : info.rdds) s.rdd_ids.push_back(r.id);
    s.accumulables = VisibleAccumulables(info.accums, /*with_update=*/false);
  }
  void ApplyProperties(const Properties& props, Stage* stage, Job* job);

  error_code OnLogStart(od::object& obj);
  error_code OnAppStart(od::object& obj);
  error_code OnAppEnd(od::object& obj);
  error_code OnEnvUpdate(od::object& obj);
  error_code OnResourceProfile(od::object& obj);
  error_code OnExecutorAdded(od::object& obj);
  error_code OnExecutorRemoved(od::object& obj);
  error_code OnBlockManager(od::object& obj, bool added);
  error_code OnJobStart(od::object& obj);
  error_code OnJobEnd(od::object& obj);
  error_code OnStage(od::object& obj, bool submitted);
  error_code OnTaskStart(od::object& obj);
  error_code ApplyTaskStart(TaskEvent& ev);
  error_code ApplyTaskEnd(TaskEvent& ev);
  TaskEvent task_event;

  // Parallel replay of big texts: the text is cut at line ends into chunks; TaskStart/TaskEnd
  // lines of each chunk are parsed by a pool of threads (the calling thread helps), and chunks
  // are applied strictly in log order on the calling thread, so the model is the one the
  // sequential path builds.
  struct ParsedLine {
    // kError: not JSON; kBadEvent: JSON, but not a valid task event (counted as an event and a
    // parse error, like the sequential path).
    enum Kind : uint8_t { kOther, kTaskStart, kTaskEnd, kError, kBadEvent } kind = kOther;
    std::string_view line;
    TaskEvent ev;
  };
  struct Chunk {
    std::vector<ParsedLine> lines;  // [0, count) are this chunk's; the rest is reused storage
    size_t count = 0;
    bool ready = false;  // parsed, waiting to be applied (guarded by pool_mu)
  };
  void Text(std::string_view text);
  static void ParseChunk(od::parser& parser, std::string& scratch, TaskLineReader& task_lines,
                         std::string_view text, Chunk& chunk, bool fast_task_events);
  void ApplyChunk(Chunk& chunk);
  bool ClaimableLocked() const {
    return next_claim < chunk_texts.size() && next_claim < next_apply + chunks.size();
  }
  // Claims the next chunk (ClaimableLocked() must hold), parses it without the lock held and
  // marks it ready.
  void ParseNextChunk(std::unique_lock<std::mutex>& lock, od::parser& chunk_parser,
                      std::string& scratch, TaskLineReader& task_reader) {
    size_t k = next_claim++;
    Chunk& chunk = chunks[k % chunks.size()];
    std::string_view text = chunk_texts[k];
    lock.unlock();
    ParseChunk(chunk_parser, scratch, task_reader, text, chunk, options.fast_task_events);
    lock.lock();
    chunk.ready = true;
  }
  void WorkerLoop();
  void StopPool();
  std::mutex pool_mu;
  std::condition_variable work_cv;   // workers: a chunk can be claimed, or stop
  std::condition_variable ready_cv;  // calling thread: a chunk was parsed
  std::vector<std::thread> pool;
  bool pool_stop = false;
  std::vector<std::string_view> chunk_texts;  // the current text's chunks
  std::vector<Chunk> chunks;                  // chunk k is parsed into chunks[k % size]
  size_t next_claim = 0, next_apply = 0;
  error_code OnTaskGettingResult(od::object& obj);
  error_code OnTaskEnd(od::object& obj);
  error_code OnStageExecutorMetrics(od::object& obj);
  error_code OnExecutorMetricsUpdate(od::object& obj);
  error_code OnUnpersist(od::object& obj);
  error_code OnExclusion(od::object& obj, EventKind kind);
  error_code OnMiscProcess(od::object& obj);
  error_code OnSql(od::object& obj, bool start);
  error_code OnSqlAdaptiveUpdate(od::object& obj);
  error_code OnDriverAccumUpdates(od::object& obj);
  error_code OnBlockUpdated(od::object& obj);

  // SQLAppStatusListener's live state: executions whose job and execution ends have not all
  // been seen, and per-task metric values of their stages.
  std::vector<int64_t> live_sql;
  SqlExecution* LiveSql(int64_t id) {
    if (std::find(live_sql.begin(), live_sql.end(), id) == live_sql.end()) return nullptr;
    auto it = model.sql_executions.find(id);
    return it == model.sql_executions.end() ? nullptr : &it->second;
  }
  bool IsSqlStage(int32_t stage_id) {
    for (int64_t id : live_sql) {
      const SqlExecution& x = model.sql_executions[id];
      if (std::find(x.stage_ids.begin(), x.stage_ids.end(), stage_id) != x.stage_ids.end())
        return true;
    }
    return false;
  }
  // Drops stage metrics no other live execution needs (removeStaleMetricsData).
  void DropStaleSqlStages(int64_t execution_id) {
    std::unordered_set<int32_t> active;
    for (int64_t id : live_sql) {
      if (id == execution_id) continue;
      for (int32_t s : model.sql_executions[id].stage_ids) active.insert(s);
    }
    std::erase_if(model.sql_stage_metrics, [&](const auto& kv) { return !active.count(kv.first); });
  }
  // After an end event: an execution with every end seen stops being live.
  void UpdateSql(SqlExecution& x) {
    if (x.end_events < static_cast<int>(x.job_ids.size()) + 1) return;
    DropStaleSqlStages(x.id);
    std::erase(live_sql, x.id);
    x.live = false;
  }
  void SqlJobStart(int64_t execution_id, int32_t job_id, const std::vector<int32_t>& stage_ids);
  void SqlTaskEnd(int32_t stage_id, int32_t attempt, const TaskInfoJson& info,
                  const SqlUpdates& updates);
};

AppBuilder::AppBuilder(BuilderOptions options)
    : model_(std::make_unique<AppModel>()), impl_(std::make_unique<Impl>(*model_, options)) {}
AppBuilder::~AppBuilder() { impl_->StopPool(); }

void AppBuilder::ReleaseParser() {
  impl_->StopPool();
  std::vector<Impl::Chunk>().swap(impl_->chunks);
}

void AppBuilder::OnLine(std::string_view line) { impl_->Line(line, line.size() + kLinePadding); }

void AppBuilder::OnText(std::string_view text) {
  if (text.size() < impl_->options.parallel_min_bytes) {
    LineSink::OnText(text);
    return;
  }
  impl_->Text(text);
}

void AppBuilder::Impl::ParseChunk(od::parser& parser, std::string& scratch,
                                  TaskLineReader& task_lines, std::string_view text, Chunk& chunk,
                                  bool fast_task_events) {
  constexpr std::string_view kStart = "{\"Event\":\"SparkListenerTaskStart\"";
  constexpr std::string_view kEnd = "{\"Event\":\"SparkListenerTaskEnd\"";
  chunk.count = 0;
  const char* pos = text.data();
  const char* end = pos + text.size();
  while (pos < end) {
    // Task lines in Spark's layout are read straight from the text: the reader finds the line's
    // end itself (no token of it can span a '\n').
    std::string_view rest(pos, static_cast<size_t>(end - pos));
    bool is_end = rest.starts_with(kEnd), is_start = !is_end && rest.starts_with(kStart);
    if (fast_task_events && (is_end || is_start)) {
      if (chunk.count == chunk.lines.size()) chunk.lines.emplace_back();
      ParsedLine& p = chunk.lines[chunk.count];
      size_t length = 0;
      if (is_end ? task_lines.ReadEnd(rest, p.ev, &length)
                 : task_lines.ReadStart(rest, p.ev, &length)) {
        p.kind = is_end ? ParsedLine::kTaskEnd : ParsedLine::kTaskStart;
        p.line = rest.substr(0, length);
        ++chunk.count;
        pos += length;
        if (pos < end && *pos == '\r') ++pos;
        ++pos;  // the '\n' (or the end of the text)
        continue;
      }
    }
    const char* nl =
        static_cast<const char*>(std::memchr(pos, '\n', static_cast<size_t>(end - pos)));
    const char* line_end = nl ? nl : end;
    std::string_view l(pos, static_cast<size_t>(line_end - pos));
    pos = line_end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    if (chunk.count == chunk.lines.size()) chunk.lines.emplace_back();
    ParsedLine& p = chunk.lines[chunk.count++];
    p.line = l;
    ParsedLine::Kind kind = l.starts_with(kEnd)     ? ParsedLine::kTaskEnd
                            : l.starts_with(kStart) ? ParsedLine::kTaskStart
                                                    : ParsedLine::kOther;
    p.kind = kind;
    if (kind == ParsedLine::kOther) continue;
    od::document doc;
    od::object obj;
    p.ev.unknown = 0;
    std::string_view json = l;
    size_t capacity = l.size() + kLinePadding;
    if (kind == ParsedLine::kTaskEnd) {
      p.ev.sql_updates.clear();
      p.ev.scan = ScanAccumulables(l, p.ev.sql_updates);
      json = CutAccumulables(l, p.ev.scan, scratch);
      if (json.data() != l.data()) capacity = scratch.capacity();
    }
    if (parser.iterate(json.data(), json.size(), capacity).get(doc)) {
      p.kind = ParsedLine::kError;
    } else if (doc.get_object().get(obj) ||
               (kind == ParsedLine::kTaskEnd ? ParseTaskEnd(obj, p.ev)
                                             : ParseTaskStart(obj, p.ev))) {
      p.kind = ParsedLine::kBadEvent;
    }
  }
}

void AppBuilder::Impl::ApplyChunk(Chunk& chunk) {
  for (size_t i = 0; i < chunk.count; ++i) {
    ParsedLine& p = chunk.lines[i];
    switch (p.kind) {
      case ParsedLine::kOther:
        Line(p.line, p.line.size() + kLinePadding);
        break;
      case ParsedLine::kError:
        ++model.counters.lines;
        ++model.counters.parse_errors;
        break;
      case ParsedLine::kBadEvent:
        ++model.counters.lines;
        ++model.counters.events;
        ++model.counters.parse_errors;
        break;
      case ParsedLine::kTaskStart:
      case ParsedLine::kTaskEnd:
        ++model.counters.lines;
        ++model.counters.events;
        model.counters.unknown_fields += p.ev.unknown;
        if (p.kind == ParsedLine::kTaskStart)
          (void)ApplyTaskStart(p.ev);
        else
          (void)ApplyTaskEnd(p.ev);
        break;
    }
  }
}

void AppBuilder::Impl::WorkerLoop() {
  od::parser worker_parser;
  std::string worker_scratch;
  TaskLineReader worker_task_lines(options.task_line_templates);
  std::unique_lock lock(pool_mu);
  while (true) {
    work_cv.wait(lock, [&] { return pool_stop || ClaimableLocked(); });
    if (pool_stop) return;
    ParseNextChunk(lock, worker_parser, worker_scratch, worker_task_lines);
    ready_cv.notify_one();
  }
}

void AppBuilder::Impl::StopPool() {
  {
    std::lock_guard lock(pool_mu);
    pool_stop = true;
  }
  work_cv.notify_all();
  for (auto& t : pool) t.join();
  pool.clear();
  std::lock_guard lock(pool_mu);
  pool_stop = false;
}

void AppBuilder::Impl::Text(std::string_view text) {
  const size_t chunk_bytes = std::max<size_t>(options.parallel_chunk_bytes, 1);
  std::unique_lock lock(pool_mu);
  chunk_texts.clear();
  for (size_t begin = 0; begin < text.size();) {
    size_t end = begin + chunk_bytes;
    if (end >= text.size()) {
      end = text.size();
    } else {
      const void* nl = std::memchr(text.data() + end, '\n', text.size() - end);
      end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
    }
    chunk_texts.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  if (chunks.empty()) chunks.resize(std::max<size_t>(options.chunks_ahead, 2));
  next_claim = next_apply = 0;
  if (pool.empty()) {
    for (int i = 1; i < options.parse_threads; ++i) pool.emplace_back([this] { WorkerLoop(); });
  }
  lock.unlock();
  work_cv.notify_all();
  lock.lock();
  while (next_apply < chunk_texts.size()) {
    Chunk& chunk = chunks[next_apply % chunks.size()];
    if (chunk.ready) {
      lock.unlock();
      ApplyChunk(chunk);
      lock.lock();
      chunk.ready = false;
      ++next_apply;
      work_cv.notify_one();
    } else if (ClaimableLocked()) {
      ParseNextChunk(lock, parser, cut_scratch, task_lines);  // rather than wait, parse one here
    } else {
      ready_cv.wait(lock);
    }
  }
  chunk_texts.clear();
}

void AppBuilder::OnUnpaddedLine(std::string_view line) {
  impl_->scratch.assign(line);
  impl_->scratch.reserve(line.size() + kLinePadding);
  impl_->Line(impl_->scratch, impl_->scratch.capacity());
}

void AppBuilder::Impl::Line(std::string_view line, size_t capacity) {
  ++model.counters.lines;
  this->line = line;
  // Spark writes the event name first; read it without a JSON parse when possible.
  constexpr std::string_view kPrefix = "{\"Event\":\"";
  std::string_view name;
  if (line.starts_with(kPrefix)) {
    size_t end = line.find('"', kPrefix.size());
    if (end != std::string_view::npos) name = line.substr(kPrefix.size(), end - kPrefix.size());
  }
  std::string_view json = line;
  if (name == "SparkListenerTaskStart" && options.fast_task_events &&
      task_lines.ReadStart(line, task_event)) {
    ++model.counters.events;
    (void)ApplyTaskStart(task_event);
    return;
  }
  if (name == "SparkListenerTaskEnd") {
    if (options.fast_task_events && task_lines.ReadEnd(line, task_event)) {
      ++model.counters.events;
      (void)ApplyTaskEnd(task_event);
      return;
    }
    task_event.sql_updates.clear();
    task_event.scan = ScanAccumulables(line, task_event.sql_updates);
    json = CutAccumulables(line, task_event.scan, cut_scratch);
    if (json.data() != line.data()) capacity = cut_scratch.capacity();
  } else {
    // A TaskEnd line whose name is not first is parsed whole.
    task_event.sql_updates.clear();
    task_event.scan = AccumScan{};
    task_event.scan.parse_array = true;
  }
  od::document doc;
  if (parser.iterate(json.data(), json.size(), capacity).get(doc)) {
    ++model.counters.parse_errors;
    return;
  }
  std::string name_storage;
  if (name.empty()) {
    od::object obj;
    std::string_view n;
    if (doc.get_object().get(obj) || obj.find_field_unordered("Event").get_string().get(n)) {
      ++model.counters.parse_errors;
      return;
    }
    name_storage.assign(n);
    name = name_storage;
    doc.rewind();
  }
  EventKind kind = ClassifyEvent(name);
  if (kind == EventKind::kUnknown) {
    ++model.counters.unknown_events;
    if (model.counters.unknown_event_names.size() < 64 ||
        model.counters.unknown_event_names.count(std::string(name))) {
      ++model.counters.unknown_event_names[std::string(name)];
    }
    return;
  }
  ++model.counters.events;
  if (kind == EventKind::kIgnored) return;
  od::object obj;
  unknown = 0;
  if (doc.get_object().get(obj) || Dispatch(kind, obj)) {
    ++model.counters.parse_errors;
    return;
  }
  model.counters.unknown_fields += unknown;
}

error_code AppBuilder::Impl::Dispatch(EventKind kind, od::object& obj) {
  switch (kind) {
    case EventKind::kLogStart:
      return OnLogStart(obj);
    case EventKind::kAppStart:
      return OnAppStart(obj);
    case EventKind::kAppEnd:
      return OnAppEnd(obj);
    case EventKind::kEnvUpdate:
      return OnEnvUpdate(obj);
    case EventKind::kResourceProfileAdded:
      return OnResourceProfile(obj);
    case EventKind::kExecutorAdded:
      return OnExecutorAdded(obj);
    case EventKind::kExecutorRemoved:
      return OnExecutorRemoved(obj);
    case EventKind::kBlockManagerAdded:
      return OnBlockManager(obj, true);
    case EventKind::kBlockManagerRemoved:
      return OnBlockManager(obj, false);
    case EventKind::kJobStart:
      return OnJobStart(obj);
    case EventKind::kJobEnd:
      return OnJobEnd(obj);
    case EventKind::kStageSubmitted:
      return OnStage(obj, true);
    case EventKind::kStageCompleted:
      return OnStage(obj, false);
    case EventKind::kTaskStart:
      return OnTaskStart(obj);
    case EventKind::kTaskGettingResult:
      return OnTaskGettingResult(obj);
    case EventKind::kTaskEnd:
      return OnTaskEnd(obj);
    case EventKind::kStageExecutorMetrics:
      return OnStageExecutorMetrics(obj);
    case EventKind::kExecutorMetricsUpdate:
      return OnExecutorMetricsUpdate(obj);
    case EventKind::kUnpersistRdd:
      return OnUnpersist(obj);
    case EventKind::kExecutorExcluded:
    case EventKind::kExecutorUnexcluded:
    case EventKind::kNodeExcluded:
    case EventKind::kNodeUnexcluded:
    case EventKind::kExecutorExcludedForStage:
    case EventKind::kNodeExcludedForStage:
      return OnExclusion(obj, kind);
    case EventKind::kMiscProcessAdded:
      return OnMiscProcess(obj);
    case EventKind::kSqlStart:
      return OnSql(obj, true);
    case EventKind::kSqlEnd:
      return OnSql(obj, false);
    case EventKind::kSqlAdaptiveUpdate:
      return OnSqlAdaptiveUpdate(obj);
    case EventKind::kDriverAccumUpdates:
      return OnDriverAccumUpdates(obj);
    case EventKind::kBlockUpdated:
      return OnBlockUpdated(obj);
    case EventKind::kUnknown:
    case EventKind::kIgnored:
      break;
  }
  return simdjson::SUCCESS;
}

#define EL_FIELDS(obj)                                               \
  for (auto f_ : obj)                                                \
    if (od::field field; std::move(f_).get(field))                   \
      return simdjson::TAPE_ERROR;                                   \
    else if (std::string_view key = RawKey(field); Is(key, "Event")) \
      continue;                                                      \
    else

error_code AppBuilder::Impl::OnLogStart(od::object& obj) {
  EL_FIELDS(obj) {
    if (Is(key, "Spark Version"))
      EL_TRY(ReadString(field.value(), model.spark_version));
    else
      ++unknown;
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnAppStart(od::object& obj) {
  std::string name, id, user;
  std::optional<std::string> attempt;
  int64_t time = 0;
  Properties driver_logs;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "App Name"))
      EL_TRY(ReadString(val, name));
    else if (Is(key, "App ID"))
      EL_TRY(ReadString(val, id));
    else if (Is(key, "Timestamp"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "User"))
      EL_TRY(ReadString(val, user));
    else if (Is(key, "App Attempt ID"))
      EL_TRY(ReadOptString(val, attempt));
    else if (Is(key, "Driver Logs"))
      EL_TRY(ReadStringMap(val, driver_logs));
    else if (Is(key, "Driver Attributes")) {
    } else
      ++unknown;
  }
  model.app_name = std::move(name);
  model.app_id = std::move(id);
  model.user = std::move(user);
  model.attempt_id = std::move(attempt);
  model.start_time = time;
  model.driver_logs = std::move(driver_logs);
  model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnAppEnd(od::object& obj) {
  int64_t time = 0;
  EL_FIELDS(obj) {
    if (Is(key, "Timestamp"))
      EL_TRY(ReadInt(field.value(), time));
    else if (Is(key, "ExitCode")) {
      int32_t code;
      EL_TRY(ReadInt32(field.value(), code));
      model.exit_code = code;
    } else
      ++unknown;
  }
  model.end_time = time;
  model.ended = true;
  // Spark reports the driver's "task time" as the application's run time.
  // and its GC time as the JVM's own total (TotalGCTime), not the sum over tasks.
  if (Executor* driver = FindExecutor("driver")) {
    driver->total_duration = time - model.start_time;
    driver->total_gc_time = driver->peak.set ? driver->peak.values[20] : 0;
  }
  model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnEnvUpdate(od::object& obj) {
  Environment env;
  env.present = true;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "JVM Information")) {
      Properties jvm;
      EL_TRY(ReadStringMap(val, jvm));
      for (auto& [k, v] : jvm) {
        if (k == "Java Version")
          env.java_version = v;
        else if (k == "Java Home")
          env.java_home = v;
        else if (k == "Scala Version")
          env.scala_version = v;
      }
    } else if (Is(key, "Spark Properties"))
      EL_TRY(ReadStringMap(val, env.spark));
    else if (Is(key, "Hadoop Properties"))
      EL_TRY(ReadStringMap(val, env.hadoop));
    else if (Is(key, "System Properties"))
      EL_TRY(ReadStringMap(val, env.system));
    else if (Is(key, "Metrics Properties"))
      EL_TRY(ReadStringMap(val, env.metrics));
    else if (Is(key, "Classpath Entries"))
      EL_TRY(ReadStringMap(val, env.classpath));
    else
      ++unknown;
  }
  for (const auto& [k, v] : env.spark) {
    if (k == "spark.task.cpus") {
      int32_t cpus = 1;
      std::from_chars(v.data(), v.data() + v.size(), cpus);
      model.default_cpus_per_task = std::max(1, cpus);
    }
  }
  // The REST API lists environment entries sorted by key.
  for (Properties* props : {&env.spark, &env.hadoop, &env.system, &env.metrics, &env.classpath}) {
    std::stable_sort(props->begin(), props->end());
  }
  model.environment = std::move(env);
  return simdjson::SUCCESS;
}

error_code ReadResourceRequests(od::value v, std::vector<ResourceRequest>& out) {
  out.clear();
  od::object obj;
  EL_TRY(v.get_object().get(obj));
  for (auto f : obj) {
    od::field field;
    EL_TRY(std::move(f).get(field));
    std::string_view name;
    EL_TRY(field.unescaped_key().get(name));
    ResourceRequest r;
    r.name.assign(name);
    EL_TRY(ForEachField(field.value(), [&](std::string_view key, od::value val) {
      if (Is(key, "Resource Name")) return ReadString(val, r.name);
      if (Is(key, "Amount")) return val.get_double().get(r.amount);
      if (Is(key, "Discovery Script")) return ReadString(val, r.discovery_script);
      if (Is(key, "Vendor")) return ReadString(val, r.vendor);
      return simdjson::SUCCESS;
    }));
    out.push_back(std::move(r));
  }
  return simdjson::SUCCESS;
}

// {name: {"name": ..., "addresses": [...]}} as written in ExecutorInfo.
error_code ReadResources(od::value v, std::vector<ResourceInfo>& out) {
  return ForEachField(v, [&](std::string_view, od::value rv) {
    ResourceInfo ri;
    EL_TRY(ForEachField(rv, [&](std::string_view key, od::value val) {
      if (Is(key, "name")) return ReadString(val, ri.name);
      if (!Is(key, "addresses")) return simdjson::SUCCESS;
      return ForEachElement(val, [&](od::value a) {
        std::string address;
        EL_TRY(ReadString(a, address));
        ri.addresses.push_back(std::move(address));
        return simdjson::SUCCESS;
      });
    }));
    out.push_back(std::move(ri));
    return simdjson::SUCCESS;
  });
}

error_code AppBuilder::Impl::OnResourceProfile(od::object& obj) {
  ResourceProfile rp;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Resource Profile Id"))
      EL_TRY(ReadInt32(val, rp.id));
    else if (Is(key, "Executor Resource Requests"))
      EL_TRY(ReadResourceRequests(val, rp.executor_resources));
    else if (Is(key, "Task Resource Requests"))
      EL_TRY(ReadResourceRequests(val, rp.task_resources));
    else
      ++unknown;
  }
  model.resource_profiles.push_back(std::move(rp));
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnExecutorAdded(od::object& obj) {
  int64_t time = 0;
  std::string id, host;
  int32_t cores = 0, rp_id = 0;
  Properties logs, attributes;
  std::vector<ResourceInfo> resources;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Timestamp"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "Executor ID"))
      EL_TRY(ReadString(val, id));
    else if (Is(key, "Executor Info")) {
      EL_TRY(ForEachField(val, [&](std::string_view ikey, od::value ival) {
        if (Is(ikey, "Host")) return ReadString(ival, host);
        if (Is(ikey, "Total Cores")) return ReadInt32(ival, cores);
        if (Is(ikey, "Log Urls")) return ReadStringMap(ival, logs);
        if (Is(ikey, "Attributes")) return ReadStringMap(ival, attributes);
        if (Is(ikey, "Resource Profile Id")) return ReadInt32(ival, rp_id);
        if (Is(ikey, "Resources")) return ReadResources(ival, resources);
        return simdjson::SUCCESS;
      }));
    } else
      ++unknown;
  }
  Executor& e = GetOrCreateExecutor(id, time);
  e.host = host;
  e.active = true;
  e.total_cores = cores;
  e.resource_profile_id = rp_id;
  int32_t cpus = model.default_cpus_per_task;
  for (const auto& rp : model.resource_profiles) {
    if (rp.id != rp_id) continue;
    for (const auto& tr : rp.task_resources) {
      if (tr.name == "cpus") cpus = std::max(1, static_cast<int32_t>(tr.amount));
    }
  }
  e.max_tasks = cores / cpus;
  e.log_urls = std::move(logs);
  e.attributes = std::move(attributes);
  e.resources = std::move(resources);
  model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnExecutorRemoved(od::object& obj) {
  int64_t time = 0;
  std::string id, reason;
  EL_FIELDS(obj) {
    if (Is(key, "Timestamp"))
      EL_TRY(ReadInt(field.value(), time));
    else if (Is(key, "Executor ID"))
      EL_TRY(ReadString(field.value(), id));
    else if (Is(key, "Removed Reason"))
      EL_TRY(ReadString(field.value(), reason));
    else
      ++unknown;
  }
  if (Executor* e = FindExecutor(id)) {
    if (e->active) RemoveExecutorBlocks(model, id);
    e->active = false;
    e->remove_time = time;
    e->remove_reason = reason;
  }
  model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnBlockManager(od::object& obj, bool added) {
  int64_t time = 0, max_mem = 0, port = 0;
  std::optional<int64_t> on_heap, off_heap;
  std::string exec_id, host;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Block Manager ID"))
      EL_TRY(ReadBlockManagerId(val, exec_id, host, port));
    else if (Is(key, "Maximum Memory"))
      EL_TRY(ReadInt(val, max_mem));
    else if (Is(key, "Timestamp"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "Maximum Onheap Memory")) {
      int64_t x;
      EL_TRY(ReadInt(val, x));
      on_heap = x;
    } else if (Is(key, "Maximum Offheap Memory")) {
      int64_t x;
      EL_TRY(ReadInt(val, x));
      off_heap = x;
    } else
      ++unknown;
  }
  if (added) {
    Executor& e = GetOrCreateExecutor(exec_id, time);
    e.host_port = fmt::format("{}:{}", host, port);
    if (e.host.empty()) e.host = host;
    if (on_heap) {
      e.total_on_heap = *on_heap;
      e.total_off_heap = off_heap.value_or(0);
      e.used_on_heap = e.used_off_heap = 0;
    }
    e.active = true;
    e.max_memory = max_mem;
  }
  // BlockManagerRemoved: Spark only drops storage info; executors are removed by their own event.
  model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code ReadProperties(od::value v, Properties& out) {
  od::json_type type;
  EL_TRY(v.type().get(type));
  if (type != od::json_type::object) {
    out.clear();
    return simdjson::SUCCESS;
  }
  return ReadStringMap(v, out);
}

const std::string* FindProperty(const Properties& props, std::string_view key) {
  for (const auto& [k, v] : props) {
    if (k == key) return &v;
  }
  return nullptr;
}

error_code AppBuilder::Impl::OnJobStart(od::object& obj) {
  Job job;
  int64_t time = -1;
  properties.clear();
  job_stage_infos.clear();
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Job ID"))
      EL_TRY(ReadInt32(val, job.job_id));
    else if (Is(key, "Submission Time"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "Stage Infos")) {
      od::array arr;
      EL_TRY(val.get_array().get(arr));
      for (auto e : arr) {
        od::value ev;
        EL_TRY(std::move(e).get(ev));
        job_stage_infos.emplace_back();
        EL_TRY(ReadStageInfo(ev, job_stage_infos.back(), unknown));
      }
    } else if (Is(key, "Stage IDs"))
      EL_TRY(ReadIntArray(val, job.stage_ids));
    else if (Is(key, "Properties"))
      EL_TRY(ReadProperties(val, properties));
    else
      ++unknown;
  }
  if (time > 0) job.submission_time = time;
  // Name = the last (highest id) stage's name; tasks = those of stages not yet completed.
  const StageInfoJson* last = nullptr;
  for (const auto& s : job_stage_infos) {
    if (!last || s.stage_id > last->stage_id) last = &s;
    if (!s.completion) job.num_tasks += s.num_tasks;
  }
  job.name = last ? last->name : "Unknown";
  if (auto* d = FindProperty(properties, "spark.job.description")) job.description = *d;
  if (auto* g = FindProperty(properties, "spark.jobGroup.id")) job.job_group = *g;
  if (auto* tags = FindProperty(properties, "spark.job.tags")) {
    std::string_view rest = *tags;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view t = rest.substr(0, comma);
      if (!t.empty()) job.job_tags.emplace_back(t);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    std::sort(job.job_tags.begin(), job.job_tags.end());
    job.job_tags.erase(std::unique(job.job_tags.begin(), job.job_tags.end()), job.job_tags.end());
  }
  if (auto* sql = FindProperty(properties, "spark.sql.execution.id")) {
    int64_t id = 0;
    if (std::from_chars(sql->data(), sql->data() + sql->size(), id).ec == std::errc()) {
      job.sql_execution_id = id;
      SqlJobStart(id, job.job_id, job.stage_ids);
    }
  }
  int32_t job_id = job.job_id;
  model.jobs[job_id] = std::move(job);
  for (const auto& info : job_stage_infos) {
    Stage& s = GetOrCreateStage(info);
    if (std::find(s.job_ids.begin(), s.job_ids.end(), job_id) == s.job_ids.end()) {
      s.job_ids.push_back(job_id);
    }
    for (const auto& rdd : info.rdds) {
      if (rdd.StorageValid()) model.rdds.try_emplace(rdd.id, rdd);
    }
  }
  if (time > 0) model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnJobEnd(od::object& obj) {
  int32_t job_id = 0;
  int64_t time = -1;
  std::string result;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Job ID"))
      EL_TRY(ReadInt32(val, job_id));
    else if (Is(key, "Completion Time"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "Job Result")) {
      EL_TRY(ForEachField(val, [&](std::string_view rkey, od::value rval) {
        return Is(rkey, "Result") ? ReadString(rval, result) : simdjson::SUCCESS;
      }));
    } else
      ++unknown;
  }
  auto it = model.jobs.find(job_id);
  if (it == model.jobs.end()) return simdjson::SUCCESS;
  Job& job = it->second;
  // Stages of this job that never ran are skipped.
  for (auto& [key, stage] : model.stages) {
    if (stage.status != StageStatus::kPending || stage.retired) continue;
    if (std::find(job.stage_ids.begin(), job.stage_ids.end(), key.first) == job.stage_ids.end()) {
      continue;
    }
    stage.status = StageStatus::kSkipped;
    job.skipped_stages.insert(key.first);
    job.skipped_tasks += stage.num_tasks;
    stage.retired = true;
  }
  job.status = result == "JobSucceeded" ? JobStatus::kSucceeded : JobStatus::kFailed;
  if (time > 0) job.completion_time = time;
  for (size_t i = 0; i < live_sql.size(); ++i) {
    SqlExecution& x = model.sql_executions[live_sql[i]];
    if (std::find(x.job_ids.begin(), x.job_ids.end(), job_id) == x.job_ids.end()) continue;
    ++x.end_events;
    size_t before = live_sql.size();
    UpdateSql(x);
    if (live_sql.size() < before) --i;
  }
  if (time > 0) model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

void AppBuilder::Impl::ApplyProperties(const Properties& props, Stage* stage, Job*) {
  if (!stage) return;
  if (auto* pool = FindProperty(props, "spark.scheduler.pool")) stage->scheduling_pool = *pool;
  if (auto* d = FindProperty(props, "spark.job.description")) stage->description = *d;
}

error_code AppBuilder::Impl::OnStage(od::object& obj, bool submitted) {
  properties.clear();
  bool have_info = false;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Stage Info")) {
      EL_TRY(ReadStageInfo(val, stage_info, unknown));
      have_info = true;
    } else if (Is(key, "Properties")) {
      EL_TRY(ReadProperties(val, properties));
    } else
      ++unknown;
  }
  if (!have_info) return simdjson::SUCCESS;
  Stage& s = GetOrCreateStage(stage_info);
  ApplyStageInfo(s, stage_info);
  for (const auto& rdd : stage_info.rdds) {
    if (rdd.StorageValid()) model.rdds.try_emplace(rdd.id, rdd);
  }
  if (stage_info.submission)
    model.last_event_time = std::max(model.last_event_time, *stage_info.submission);
  if (stage_info.completion)
    model.last_event_time = std::max(model.last_event_time, *stage_info.completion);
  if (submitted) {
    // A new attempt of a SQL stage starts its metrics afresh.
    auto sql = model.sql_stage_metrics.find(stage_info.stage_id);
    if (sql != model.sql_stage_metrics.end() && sql->second.attempt_id != stage_info.attempt &&
        IsSqlStage(stage_info.stage_id)) {
      SqlStageMetrics fresh;
      fresh.stage_id = stage_info.stage_id;
      fresh.attempt_id = stage_info.attempt;
      fresh.num_tasks = sql->second.num_tasks;
      fresh.metric_types = sql->second.metric_types;
      sql->second = std::move(fresh);
    }
    s.status = StageStatus::kActive;
    ApplyProperties(properties, &s, nullptr);
    // Jobs that are still running and contain this stage.
    for (auto& [id, job] : model.jobs) {
      if (job.status != JobStatus::kRunning) continue;
      if (std::find(job.stage_ids.begin(), job.stage_ids.end(), s.stage_id) ==
          job.stage_ids.end()) {
        continue;
      }
      if (std::find(s.job_ids.begin(), s.job_ids.end(), id) == s.job_ids.end())
        s.job_ids.push_back(id);
      job.completed_stages.erase(s.stage_id);
      job.active_stages += 1;
    }
    return simdjson::SUCCESS;
  }
  if (stage_info.failure)
    s.status = StageStatus::kFailed;
  else if (stage_info.submission)
    s.status = StageStatus::kComplete;
  else
    s.status = StageStatus::kSkipped;
  for (int32_t job_id : s.job_ids) {
    auto it = model.jobs.find(job_id);
    if (it == model.jobs.end()) continue;
    Job& job = it->second;
    if (s.status == StageStatus::kComplete)
      job.completed_stages.insert(s.stage_id);
    else if (s.status == StageStatus::kSkipped) {
      job.skipped_stages.insert(s.stage_id);
      job.skipped_tasks += s.num_tasks;
    } else {
      job.failed_stages += 1;
    }
    job.active_stages -= 1;
  }
  for (const auto& exec_id : s.excluded_executors) {
    if (Executor* e = FindExecutor(exec_id)) e->excluded_in_stages.erase(s.stage_id);
  }
  if (s.active_tasks == 0) s.retired = true;
  return simdjson::SUCCESS;
}

namespace {

error_code ParseTaskStart(od::object& obj, TaskEvent& ev) {
  uint64_t& unknown = ev.unknown;
  ev.stage_id = ev.attempt = 0;
  ev.have_info = false;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Stage ID"))
      EL_TRY(ReadInt32(val, ev.stage_id));
    else if (Is(key, "Stage Attempt ID"))
      EL_TRY(ReadInt32(val, ev.attempt));
    else if (Is(key, "Task Info")) {
      EL_TRY(ReadTaskInfo(val, ev.info, unknown, /*want_accums=*/false));
      ev.have_info = true;
    } else
      ++unknown;
  }
  return simdjson::SUCCESS;
}

// Expects ev.scan and ev.sql_updates from ScanAccumulables on the line.
error_code ParseTaskEnd(od::object& obj, TaskEvent& ev) {
  uint64_t& unknown = ev.unknown;
  ev.stage_id = ev.attempt = 0;
  ev.have_info = ev.have_metrics = ev.have_exec_metrics = false;
  ev.reason = TaskEndReasonJson{};
  ev.reason_read = true;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Stage ID"))
      EL_TRY(ReadInt32(val, ev.stage_id));
    else if (Is(key, "Stage Attempt ID"))
      EL_TRY(ReadInt32(val, ev.attempt));
    else if (Is(key, "Task Info")) {
      EL_TRY(ReadTaskInfo(val, ev.info, unknown, ev.scan.parse_array,
                          ev.scan.parse_array ? &ev.sql_updates : nullptr));
      ev.have_info = true;
    } else if (Is(key, "Task Metrics")) {
      od::json_type type;
      EL_TRY(val.type().get(type));
      if (type == od::json_type::object) {
        EL_TRY(ReadTaskMetrics(val, ev.metrics, unknown));
        ev.have_metrics = true;
      }
    } else if (Is(key, "Task End Reason")) {
      EL_TRY(ReadTaskEndReason(val, ev.reason));
    } else if (Is(key, "Task Executor Metrics")) {
      EL_TRY(ReadExecutorMetrics(val, ev.exec_metrics, unknown));
      ev.have_exec_metrics = true;
    } else if (Is(key, "Task Type")) {
    } else
      ++unknown;
  }
  // Accumulable views die with the parser's buffers: keep owned copies of the kept ones.
  ev.visible = VisibleAccumulables(ev.info.accums, /*with_update=*/true);
  ev.info.accums.clear();
  return simdjson::SUCCESS;
}

}  // namespace

error_code AppBuilder::Impl::OnTaskStart(od::object& obj) {
  task_event.unknown = 0;
  EL_TRY(ParseTaskStart(obj, task_event));
  unknown += task_event.unknown;
  return ApplyTaskStart(task_event);
}

error_code AppBuilder::Impl::ApplyTaskStart(TaskEvent& ev) {
  int32_t stage_id = ev.stage_id, attempt = ev.attempt;
  bool have_info = ev.have_info;
  const TaskInfoJson& task_info = ev.info;
  if (!have_info) return simdjson::SUCCESS;
  Task t;
  t.task_id = task_info.task_id;
  t.index = task_info.index;
  t.attempt = task_info.attempt;
  t.partition_id = task_info.partition;
  t.stage_id = stage_id;
  t.stage_attempt = attempt;
  t.launch_time = task_info.launch;
  t.executor = model.Intern(task_info.executor);
  t.host = model.Intern(task_info.host);
  t.locality = model.Intern(task_info.locality);
  t.speculative = task_info.speculative;
  uint32_t index = static_cast<uint32_t>(model.tasks.size());
  auto [it, inserted] = model.task_index.try_emplace(t.task_id, index);
  if (!inserted) {
    model.tasks[it->second] = std::move(t);  // duplicate start: keep the latest
    index = it->second;
  } else {
    model.tasks.push_back(std::move(t));
  }
  model.last_event_time = std::max(model.last_event_time, task_info.launch);
  if (Stage* s = FindStage(stage_id, attempt)) {
    s->active_tasks += 1;
    if (!s->first_task_launched_time || task_info.launch < *s->first_task_launched_time) {
      s->first_task_launched_time = task_info.launch;
    }
    if (inserted) s->tasks.push_back(index);
    if (task_info.speculative) {
      s->spec_tasks += 1;
      s->spec_active += 1;
    }
    for (int32_t job_id : s->job_ids) {
      auto j = model.jobs.find(job_id);
      if (j != model.jobs.end()) j->second.active_tasks += 1;
    }
  }
  if (Executor* e = FindExecutor(task_info.executor)) {
    e->active_tasks += 1;
    e->total_tasks += 1;
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnTaskGettingResult(od::object& obj) {
  bool have_info = false;
  EL_FIELDS(obj) {
    if (Is(key, "Task Info")) {
      EL_TRY(ReadTaskInfo(field.value(), task_info, unknown));
      have_info = true;
    } else
      ++unknown;
  }
  if (!have_info) return simdjson::SUCCESS;
  auto it = model.task_index.find(task_info.task_id);
  if (it != model.task_index.end())
    model.tasks[it->second].fetch_start_time = task_info.getting_result;
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnTaskEnd(od::object& obj) {
  task_event.unknown = 0;
  EL_TRY(ParseTaskEnd(obj, task_event));
  unknown += task_event.unknown;
  return ApplyTaskEnd(task_event);
}

error_code AppBuilder::Impl::ApplyTaskEnd(TaskEvent& ev) {
  int32_t stage_id = ev.stage_id, attempt = ev.attempt;
  bool have_info = ev.have_info, have_metrics = ev.have_metrics,
       have_exec_metrics = ev.have_exec_metrics;
  const TaskInfoJson& task_info = ev.info;
  const TaskEndReasonJson& reason = ev.reason;
  const TaskMetricValues& task_metrics = ev.metrics;
  ExecutorMetricValues& executor_metrics = ev.exec_metrics;
  if (!have_info) return simdjson::SUCCESS;
  model.last_event_time = std::max(model.last_event_time, task_info.finish);
  if (!have_exec_metrics) executor_metrics.fill(0);  // Spark reads a missing map as zeros

  TaskEndKind kind = TaskEndKind::kFailed;
  if (reason.reason == "Success")
    kind = TaskEndKind::kSuccess;
  else if (reason.reason == "TaskKilled")
    kind = TaskEndKind::kKilled;
  else if (reason.reason == "TaskCommitDenied")
    kind = TaskEndKind::kCommitDenied;
  else if (reason.reason == "Resubmitted")
    kind = TaskEndKind::kResubmitted;
  int completed = kind == TaskEndKind::kSuccess ? 1 : 0;
  int killed = (kind == TaskEndKind::kKilled || kind == TaskEndKind::kCommitDenied) ? 1 : 0;
  int failed = (completed || killed) ? 0 : 1;
  std::string killed_key;
  if (kind == TaskEndKind::kKilled)
    killed_key = reason.kill_reason;
  else if (kind == TaskEndKind::kCommitDenied)
    killed_key = reason.ErrorString();

  // The per-task row, if the task's start was seen.
  const TaskMetricValues* delta = nullptr;
  auto it = model.task_index.find(task_info.task_id);
  int64_t duration = task_info.finish != 0 ? task_info.finish - task_info.launch : 0;
  if (it != model.task_index.end()) {
    Task& t = model.tasks[it->second];
    if (t.end == TaskEndKind::kNone) {
      t.finish_time = task_info.finish;
      t.fetch_start_time = task_info.getting_result;
      t.failed = task_info.failed;
      t.killed = task_info.killed;
      t.launch_time = task_info.launch;
      t.speculative = task_info.speculative;
      t.partition_id = task_info.partition;
      t.end = kind;
      if (kind != TaskEndKind::kSuccess) t.error_message = reason.ErrorString();
      t.accumulables = std::move(ev.visible);
      if (have_metrics) {
        t.metrics = task_metrics;
        t.has_metrics = true;
        delta = &t.metrics;
      }
    }
  }

  if (Stage* s = FindStage(stage_id, attempt)) {
    if (delta) {
      for (size_t i = 0; i < kTaskMetricCount; ++i) s->metrics[i] += (*delta)[i];
    }
    s->active_tasks -= 1;
    s->completed_tasks += completed;
    if (completed) s->completed_indices.Insert(task_info.index);
    s->failed_tasks += failed;
    s->killed_tasks += killed;
    if (killed) s->killed_summary[killed_key] += 1;
    if (task_info.speculative) {
      s->spec_active -= 1;
      s->spec_completed += completed;
      s->spec_failed += failed;
      s->spec_killed += killed;
    }
    ExecutorStageSummary& es = s->executor_summaries[task_info.executor];
    {
      s->peak.Update(executor_metrics);
      es.peak.Update(executor_metrics);
    }
    for (int32_t job_id : s->job_ids) {
      auto j = model.jobs.find(job_id);
      if (j == model.jobs.end()) continue;
      Job& job = j->second;
      job.active_tasks -= 1;
      job.completed_tasks += completed;
      if (completed && job.completed_indices[stage_id].Insert(task_info.index)) {
        ++job.num_completed_indices;
      }
      job.failed_tasks += failed;
      job.killed_tasks += killed;
      if (killed) job.killed_summary[killed_key] += 1;
    }
    if (s->active_tasks == 0 &&
        (s->status == StageStatus::kComplete || s->status == StageStatus::kFailed)) {
      s->retired = true;
    }
    es.task_time += duration;
    es.succeeded_tasks += completed;
    es.failed_tasks += failed;
    es.killed_tasks += killed;
    if (delta) {
      for (size_t i = 0; i < kTaskMetricCount; ++i) es.metrics[i] += (*delta)[i];
    }
  }

  if (Executor* e = FindExecutor(task_info.executor)) {
    e->peak.Update(executor_metrics);
    e->active_tasks -= 1;
    e->completed_tasks += completed;
    e->failed_tasks += failed;
    e->total_duration += duration;
    if (kind != TaskEndKind::kResubmitted && have_metrics) {
      e->total_gc_time += task_metrics[kJvmGcTime];
      e->total_input_bytes += task_metrics[kInputBytesRead];
      e->total_shuffle_read +=
          task_metrics[kShuffleLocalBytesRead] + task_metrics[kShuffleRemoteBytesRead];
      e->total_shuffle_write += task_metrics[kShuffleBytesWritten];
      e->cpu_time_ns += task_metrics[kExecutorCpuTime];
      e->run_time += task_metrics[kExecutorRunTime];
    }
  }
  if (!options.keep_tasks && it != model.task_index.end()) {
    model.tasks[it->second].accumulables.clear();
    model.tasks[it->second].accumulables.shrink_to_fit();
  }
  if (!live_sql.empty()) SqlTaskEnd(stage_id, attempt, task_info, ev.sql_updates);
  return simdjson::SUCCESS;
}

void AppBuilder::Impl::SqlTaskEnd(int32_t stage_id, int32_t attempt, const TaskInfoJson& info,
                                  const SqlUpdates& updates) {
  if (!IsSqlStage(stage_id)) return;
  auto it = model.sql_stage_metrics.find(stage_id);
  if (it == model.sql_stage_metrics.end() || it->second.attempt_id != attempt) return;
  SqlStageMetrics& m = it->second;
  int32_t index = info.index;
  if (index < 0 || index >= m.num_tasks) return;
  if (m.completed.empty()) m.completed.resize(static_cast<size_t>(m.num_tasks));
  if (m.completed[static_cast<size_t>(index)]) return;
  for (const auto& [id, value] : updates) {
    auto type = m.metric_types->find(id);
    if (type == m.metric_types->end()) continue;
    auto& values = m.values[id];
    if (values.empty()) values.resize(static_cast<size_t>(m.num_tasks));
    values[static_cast<size_t>(index)] = value;
    if (type->second != "sum") {
      auto [slot, fresh] = m.max.try_emplace(id, value, info.task_id);
      if (!fresh && value > slot->second.first) slot->second = {value, info.task_id};
    }
  }
  if (info.finish != 0 && !info.failed && !info.killed)
    m.completed[static_cast<size_t>(index)] = true;
}

void AppBuilder::Impl::SqlJobStart(int64_t execution_id, int32_t job_id,
                                   const std::vector<int32_t>& stage_ids) {
  auto it = model.sql_executions.find(execution_id);
  if (it == model.sql_executions.end()) return;
  SqlExecution& x = it->second;
  if (!x.live) {
    // An ended execution gets a late job: Spark revives it from the store with every end
    // event counted.
    x.end_events = static_cast<int>(x.job_ids.size()) + 1;
    x.live = true;
    live_sql.push_back(x.id);
  }
  if (x.metric_types && !x.metric_types->empty()) {
    for (const auto& info : job_stage_infos) {
      SqlStageMetrics m;
      m.stage_id = info.stage_id;
      m.num_tasks = info.num_tasks;
      m.metric_types = x.metric_types;
      model.sql_stage_metrics[info.stage_id] = std::move(m);
    }
  }
  if (std::find(x.job_ids.begin(), x.job_ids.end(), job_id) == x.job_ids.end())
    x.job_ids.push_back(job_id);
  for (int32_t s : stage_ids) {
    if (std::find(x.stage_ids.begin(), x.stage_ids.end(), s) == x.stage_ids.end())
      x.stage_ids.push_back(s);
  }
  UpdateSql(x);
}

error_code AppBuilder::Impl::OnStageExecutorMetrics(od::object& obj) {
  std::string exec_id;
  int32_t stage_id = 0, attempt = 0;
  bool have = false;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Executor ID"))
      EL_TRY(ReadString(val, exec_id));
    else if (Is(key, "Stage ID"))
      EL_TRY(ReadInt32(val, stage_id));
    else if (Is(key, "Stage Attempt ID"))
      EL_TRY(ReadInt32(val, attempt));
    else if (Is(key, "Executor Metrics")) {
      EL_TRY(ReadExecutorMetrics(val, executor_metrics, unknown));
      have = true;
    } else
      ++unknown;
  }
  if (!have) return simdjson::SUCCESS;
  if (Executor* e = FindExecutor(exec_id)) e->peak.Update(executor_metrics);
  if (Stage* s = FindStage(stage_id, attempt)) {
    s->peak.Update(executor_metrics);
    s->executor_summaries[exec_id].peak.Update(executor_metrics);
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnExecutorMetricsUpdate(od::object& obj) {
  std::string exec_id;
  std::vector<std::tuple<int32_t, int32_t, ExecutorMetricValues>> updates;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "Executor ID"))
      EL_TRY(ReadString(val, exec_id));
    else if (Is(key, "Executor Metrics Updated")) {
      EL_TRY(ForEachElement(val, [&](od::value e) {
        int32_t sid = 0, sat = 0;
        ExecutorMetricValues m{};
        EL_TRY(ForEachField(e, [&](std::string_view ukey, od::value uval) {
          if (Is(ukey, "Stage ID")) return ReadInt32(uval, sid);
          if (Is(ukey, "Stage Attempt ID")) return ReadInt32(uval, sat);
          if (Is(ukey, "Executor Metrics")) return ReadExecutorMetrics(uval, m, unknown);
          return simdjson::SUCCESS;
        }));
        updates.emplace_back(sid, sat, m);
        return simdjson::SUCCESS;
      }));
    } else if (Is(key, "Metrics Updated")) {
    } else
      ++unknown;
  }
  for (const auto& [sid, sat, m] : updates) {
    if (Executor* e = FindExecutor(exec_id)) e->peak.Update(m);
    if (Stage* s = FindStage(sid, sat)) {
      s->peak.Update(m);
      s->executor_summaries[exec_id].peak.Update(m);
    }
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnUnpersist(od::object& obj) {
  int32_t id = -1;
  EL_FIELDS(obj) {
    if (Is(key, "RDD ID"))
      EL_TRY(ReadInt32(field.value(), id));
    else
      ++unknown;
  }
  UnpersistRdd(model, id);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnExclusion(od::object& obj, EventKind kind) {
  std::string exec_id, host_id;
  int32_t stage_id = 0, attempt = 0;
  int64_t time = 0;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "executorId"))
      EL_TRY(ReadString(val, exec_id));
    else if (Is(key, "hostId"))
      EL_TRY(ReadString(val, host_id));
    else if (Is(key, "stageId"))
      EL_TRY(ReadInt32(val, stage_id));
    else if (Is(key, "stageAttemptId"))
      EL_TRY(ReadInt32(val, attempt));
    else if (Is(key, "time"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "taskFailures") || Is(key, "executorFailures")) {
    } else
      ++unknown;
  }
  switch (kind) {
    case EventKind::kExecutorExcluded:
    case EventKind::kExecutorUnexcluded:
      if (Executor* e = FindExecutor(exec_id)) e->excluded = kind == EventKind::kExecutorExcluded;
      break;
    case EventKind::kNodeExcluded:
    case EventKind::kNodeUnexcluded:
      for (auto& [id, e] : model.executors) {
        if (e.host == host_id && id != "driver") e.excluded = kind == EventKind::kNodeExcluded;
      }
      break;
    case EventKind::kExecutorExcludedForStage:
      if (Stage* s = FindStage(stage_id, attempt)) {
        s->executor_summaries[exec_id].excluded = true;
        s->excluded_executors.insert(exec_id);
      }
      if (Executor* e = FindExecutor(exec_id)) e->excluded_in_stages.insert(stage_id);
      break;
    case EventKind::kNodeExcludedForStage:
      if (Stage* s = FindStage(stage_id, attempt)) {
        for (auto& [id, e] : model.executors) {
          if (e.host == host_id && id != "driver" && e.active) {
            s->executor_summaries[id].excluded = true;
            s->excluded_executors.insert(id);
          }
        }
      }
      for (auto& [id, e] : model.executors) {
        if (e.host == host_id && e.active) e.excluded_in_stages.insert(stage_id);
      }
      break;
    default:
      break;
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnMiscProcess(od::object& obj) {
  MiscProcess p;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "time"))
      EL_TRY(ReadInt(val, p.add_time));
    else if (Is(key, "processId"))
      EL_TRY(ReadString(val, p.id));
    else if (Is(key, "info")) {
      EL_TRY(ForEachField(val, [&](std::string_view ikey, od::value ival) {
        if (Is(ikey, "hostPort")) return ReadString(ival, p.host_port);
        if (Is(ikey, "cores")) return ReadInt32(ival, p.cores);
        if (Is(ikey, "logUrlInfo")) return ReadStringMap(ival, p.logs);
        return simdjson::SUCCESS;
      }));
    } else
      ++unknown;
  }
  model.misc_processes[p.id] = std::move(p);
  return simdjson::SUCCESS;
}

namespace {

error_code ReadPlanMetrics(od::value v, std::vector<SqlPlanMetric>& out) {
  return ForEachElement(v, [&](od::value e) {
    SqlPlanMetric m;
    EL_TRY(ForEachField(e, [&](std::string_view key, od::value val) -> error_code {
      if (Is(key, "name")) return ReadString(val, m.name);
      if (Is(key, "accumulatorId")) return ReadInt(val, m.accumulator_id);
      if (Is(key, "metricType")) return ReadString(val, m.type);
      return simdjson::SUCCESS;
    }));
    out.push_back(std::move(m));
    return simdjson::SUCCESS;
  });
}

error_code ReadPlanInfo(od::value v, PlanInfo& p) {
  return ForEachField(v, [&](std::string_view key, od::value val) -> error_code {
    if (Is(key, "nodeName")) return ReadString(val, p.name);
    if (Is(key, "simpleString")) return ReadString(val, p.simple_string);
    if (Is(key, "metrics")) return ReadPlanMetrics(val, p.metrics);
    if (Is(key, "children")) {
      return ForEachElement(val, [&](od::value c) {
        p.children.emplace_back();
        return ReadPlanInfo(c, p.children.back());
      });
    }
    return simdjson::SUCCESS;
  });
}

}  // namespace

error_code AppBuilder::Impl::OnSql(od::object& obj, bool start) {
  SqlExecution x;
  std::optional<std::string> error;
  std::optional<PlanInfo> plan;
  int64_t time = 0;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "executionId"))
      EL_TRY(ReadInt(val, x.id));
    else if (Is(key, "description"))
      EL_TRY(ReadString(val, x.description));
    else if (Is(key, "details"))
      EL_TRY(ReadString(val, x.details));
    else if (Is(key, "physicalPlanDescription"))
      EL_TRY(ReadString(val, x.plan_description));
    else if (Is(key, "time"))
      EL_TRY(ReadInt(val, time));
    else if (Is(key, "errorMessage"))
      EL_TRY(ReadOptString(val, error));
    else if (Is(key, "sparkPlanInfo") && start) {
      plan.emplace();
      EL_TRY(ReadPlanInfo(val, *plan));
    }
  }
  auto& slot = model.sql_executions[x.id];
  if (start) {
    slot.id = x.id;
    slot.description = std::move(x.description);
    slot.details = std::move(x.details);
    slot.plan_description = std::move(x.plan_description);
    slot.submission_time = time;
    if (plan) {
      slot.graph = BuildPlanGraph(*plan);
      slot.metric_types = PlanMetricTypes(slot.graph);
    }
    if (!slot.live) {
      slot.live = true;
      live_sql.push_back(slot.id);
    }
  } else {
    slot.id = x.id;
    slot.completion_time = time;
    if (error && !error->empty()) slot.error_message = error;
    if (slot.live) {
      slot.metric_values = AggregateSqlMetrics(slot, model.sql_stage_metrics);
      ++slot.end_events;
      UpdateSql(slot);
      DropStaleSqlStages(slot.id);
    }
  }
  model.last_event_time = std::max(model.last_event_time, time);
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnSqlAdaptiveUpdate(od::object& obj) {
  int64_t id = 0;
  std::string description;
  std::optional<PlanInfo> plan;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "executionId"))
      EL_TRY(ReadInt(val, id));
    else if (Is(key, "physicalPlanDescription"))
      EL_TRY(ReadString(val, description));
    else if (Is(key, "sparkPlanInfo")) {
      plan.emplace();
      EL_TRY(ReadPlanInfo(val, *plan));
    }
  }
  auto it = model.sql_executions.find(id);
  if (it == model.sql_executions.end()) return simdjson::SUCCESS;
  it->second.plan_description = std::move(description);
  if (plan) {
    it->second.graph = BuildPlanGraph(*plan);
    it->second.metric_types = PlanMetricTypes(it->second.graph);
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnDriverAccumUpdates(od::object& obj) {
  int64_t id = 0;
  std::vector<std::pair<int64_t, int64_t>> updates;
  EL_FIELDS(obj) {
    od::value val = field.value();
    if (Is(key, "executionId")) {
      EL_TRY(ReadInt(val, id));
    } else if (Is(key, "accumUpdates")) {
      EL_TRY(ForEachElement(val, [&](od::value pair) {
        std::vector<int64_t> two;
        EL_TRY(ForEachElement(pair, [&](od::value n) {
          int64_t v = 0;
          EL_TRY(ReadInt(n, v));
          two.push_back(v);
          return simdjson::SUCCESS;
        }));
        if (two.size() == 2) updates.emplace_back(two[0], two[1]);
        return simdjson::SUCCESS;
      }));
    }
  }
  if (SqlExecution* x = LiveSql(id)) {
    for (auto [accumulator, value] : updates) x->driver_accum_updates[accumulator] = value;
  }
  return simdjson::SUCCESS;
}

error_code AppBuilder::Impl::OnBlockUpdated(od::object& obj) {
  BlockUpdate u;
  EL_FIELDS(obj) {
    if (!Is(key, "Block Updated Info")) {
      ++unknown;
      continue;
    }
    EL_TRY(ForEachField(field.value(), [&](std::string_view k, od::value v) -> error_code {
      if (Is(k, "Block Manager ID")) {
        std::string host;
        int64_t port = 0;
        return ReadBlockManagerId(v, u.executor_id, host, port);
      }
      if (Is(k, "Block ID")) return ReadString(v, u.block_id);
      if (Is(k, "Memory Size")) return ReadInt(v, u.memory_size);
      if (Is(k, "Disk Size")) return ReadInt(v, u.disk_size);
      if (Is(k, "Storage Level")) {
        RddInfo level;
        EL_TRY(ReadStorageLevel(v, level));
        u.use_disk = level.use_disk;
        u.use_memory = level.use_memory;
        u.use_off_heap = level.use_off_heap;
        u.deserialized = level.deserialized;
        u.replication = level.replication;
      }
      return simdjson::SUCCESS;
    }));
  }
  ApplyBlockUpdate(model, u);
  return simdjson::SUCCESS;
}

}  // namespace sparkplane::eventlog
