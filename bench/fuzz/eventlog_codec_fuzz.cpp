// libFuzzer target: the first byte picks a codec (zstd, lz4-java block, snappy-java stream,
// lzf); the rest is decoded whole and again fed in uneven slices (zstd: also in place, through
// a ring of segments as LogReader reads it). Must never crash, and the ways that succeed must
// give the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "eventlog/codec.hpp"
#include "eventlog/zstd_direct.hpp"

using sparkplane::eventlog::Codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const Codec kCodecs[] = {Codec::kZstd, Codec::kLz4, Codec::kSnappy, Codec::kLzf};
  Codec codec = kCodecs[data[0] % 4];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  auto whole = sparkplane::eventlog::DecodeAll(codec, input, /*allow_partial_tail=*/true);
  auto decoder = sparkplane::eventlog::MakeDecoder(codec);
  sparkplane::eventlog::ByteBuffer out;
  size_t pos = 0, step = 1 + data[0] / 4;
  bool ok = true;
  while (pos < input.size() && ok) {
    ok = static_cast<bool>(decoder->Feed(input.substr(pos, step), out));
    pos += step;
    step = step * 3 % 61 + 1;
  }
  if (whole && ok && *whole != out.view()) std::abort();
  if (codec == Codec::kZstd) {
    auto direct = sparkplane::eventlog::DecodeZstdInRing(input, 1024 + data[0] * 64, step);
    if (whole && direct.status && *whole != direct.text) std::abort();
  }
  return 0;
}
