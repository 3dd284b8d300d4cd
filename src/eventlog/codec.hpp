// Decoders (and test/bench encoders) for the stream framings Spark writes event logs in:
// zstd frames, lz4-java LZ4BlockOutputStream, snappy-java SnappyOutputStream, ning compress-lzf.
// Decoders are incremental: feed bytes as they arrive, decoded bytes are appended to `out`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "eventlog/byte_buffer.hpp"

namespace sparkplane::eventlog {

enum class Codec { kNone, kZstd, kLz4, kSnappy, kLzf };

// Spark's short codec names ("zstd", "lz4", "snappy", "lzf"); case-sensitive like Spark.
std::optional<Codec> CodecFromName(std::string_view name);
std::string_view CodecName(Codec codec);  // "" for kNone

class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Decodes as much of the bytes fed so far as forms complete blocks and appends it to `out`.
  // Incomplete trailing blocks are kept until more bytes arrive. A kCorruption error means the
  // stream is damaged at the current position; the decoder must not be fed again afterwards.
  [[nodiscard]] virtual Status Feed(std::string_view input, ByteBuffer& out) = 0;
  // Compressed bytes held back waiting for the rest of a block (0 = at a block boundary).
  virtual size_t pending_bytes() const = 0;
};

std::unique_ptr<StreamDecoder> MakeDecoder(Codec codec);

// Encodes `plain` in the codec's Spark framing with blocks of `block_size` uncompressed bytes
// (zstd: one frame per block, like closeFrameOnFlush). Used by tests, benchmarks and fuzzers.
Result<std::string> Encode(Codec codec, std::string_view plain, size_t block_size = 32 * 1024);

// Decodes a whole buffer; a trailing incomplete block is an error unless `allow_partial_tail`.
Result<std::string> DecodeAll(Codec codec, std::string_view data, bool allow_partial_tail = false);

}  // namespace sparkplane::eventlog
