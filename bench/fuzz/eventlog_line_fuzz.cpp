// libFuzzer target: arbitrary bytes as event-log lines into the streaming parser and model. Must
// never crash, and the parallel replay of the same text (chunks parsed on a pool, task lines read
// without splitting first) must count exactly what the sequential replay counts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "eventlog/app_builder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sparkplane::eventlog;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  AppBuilder lines;
  for (std::string_view rest = input; !rest.empty();) {
    size_t nl = rest.find('\n');
    lines.OnUnpaddedLine(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  std::string padded(input);
  padded.append(kLinePadding, '\0');
  std::string_view text(padded.data(), input.size());
  AppBuilder sequential;
  BuilderOptions options;
  options.parse_threads = 2;
  options.parallel_min_bytes = 1;
  options.parallel_chunk_bytes = 64;
  options.chunks_ahead = 3;
  AppBuilder parallel(options);
  sequential.OnText(text);
  parallel.OnText(text);
  const ParseCounters& a = sequential.model().counters;
  const ParseCounters& b = parallel.model().counters;
  if (a.lines != b.lines || a.events != b.events || a.parse_errors != b.parse_errors ||
      a.unknown_events != b.unknown_events || a.unknown_fields != b.unknown_fields ||
      sequential.model().tasks.size() != parallel.model().tasks.size()) {
    __builtin_trap();
  }
  return 0;
}
