// libFuzzer target: arbitrary bytes as event-log lines into the streaming parser and model, then
// every History Server endpoint family rendered from the resulting model. Must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eventlog/app_builder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sparkplane::eventlog::AppBuilder builder;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    size_t nl = input.find('\n');
    builder.OnUnpaddedLine(input.substr(0, nl));
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  return 0;
}
