// libFuzzer target: arbitrary bytes as event-log lines into the streaming parser and model. Must
// never crash, the parallel replay of the same text (chunks parsed on a pool, task lines read
// without splitting first) must count exactly what the sequential replay counts, and reading
// task lines through templates must give exactly the tasks the cursor alone gives.
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
  BuilderOptions cursor_only;
  cursor_only.task_line_templates = false;
  AppBuilder cursor(cursor_only);
  cursor.OnText(text);
  const AppModel& x = sequential.model();
  const AppModel& y = cursor.model();
  if (x.tasks.size() != y.tasks.size() || x.counters.events != y.counters.events) __builtin_trap();
  for (size_t i = 0; i < x.tasks.size(); ++i) {
    const Task& s = x.tasks[i];
    const Task& t = y.tasks[i];
    if (s.task_id != t.task_id || s.index != t.index || s.attempt != t.attempt ||
        s.partition_id != t.partition_id || s.stage_id != t.stage_id ||
        s.stage_attempt != t.stage_attempt || s.launch_time != t.launch_time ||
        s.finish_time != t.finish_time || s.fetch_start_time != t.fetch_start_time ||
        x.strings[s.executor] != y.strings[t.executor] || x.strings[s.host] != y.strings[t.host] ||
        x.strings[s.locality] != y.strings[t.locality] || s.speculative != t.speculative ||
        s.failed != t.failed || s.killed != t.killed || s.has_metrics != t.has_metrics ||
        s.end != t.end || s.error_message != t.error_message || s.metrics != t.metrics ||
        s.accumulables.size() != t.accumulables.size()) {
      __builtin_trap();
    }
  }
  return 0;
}
