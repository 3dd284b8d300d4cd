// zstd frames decoded straight into the buffers the parser reads, with zstd's buffer-less API:
// the streaming decoder decodes into a window of its own and copies out of it (a quarter of
// its time on event logs); this one decodes each block in place.
//
// Output goes into one buffer at a time, a segment: Begin(out) clears and sizes it, Decode(out)
// fills it until it is full or the input runs out. While filling a segment the decoder reads
// the previous segment as history, so the caller must not change or free a segment until the
// segment after it is full (LogReader's ring of four slots keeps them). A full segment holds at
// least `segment_bytes`, or ends at a frame boundary; its capacity leaves 64 bytes of padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "eventlog/byte_buffer.hpp"

struct ZSTD_DCtx_s;

namespace sparkplane::eventlog {

class ZstdDirectDecoder {
 public:
  // Frames whose window is larger are refused (zstd's own default limit, 128 MiB).
  static constexpr uint64_t kMaxWindow = uint64_t{1} << 27;
  static constexpr size_t kPadding = 64;

  explicit ZstdDirectDecoder(size_t segment_bytes);
  ~ZstdDirectDecoder();
  ZstdDirectDecoder(const ZstdDirectDecoder&) = delete;
  ZstdDirectDecoder& operator=(const ZstdDirectDecoder&) = delete;

  // Compressed bytes, in file order.
  void AddInput(std::string_view compressed);
  void Begin(ByteBuffer& out);
  enum class Progress { kNeedInput, kFull };
  // kCorruption when the stream is damaged (the decoder must not be used afterwards).
  Result<Progress> Decode(ByteBuffer& out);
  // Compressed bytes held back for the rest of a block, or 1 inside a frame (0: between frames).
  size_t pending_bytes() const;

 private:
  size_t Needed(uint64_t window) const;
  tl::unexpected<Error> Corrupt(std::string_view what) const;

  ZSTD_DCtx_s* ctx_;
  size_t segment_bytes_;
  ByteBuffer in_;  // compressed bytes not yet decoded start at in_pos_
  size_t in_pos_ = 0;
  uint64_t consumed_ = 0;  // compressed bytes decoded or skipped, for error messages
  bool in_frame_ = false;
  uint64_t skip_ = 0;    // bytes of a skippable frame still to skip
  uint64_t window_ = 0;  // of the current (or last) frame
};

// A whole buffer decoded the way LogReader decodes a file: fed `feed` bytes at a time into a
// ring of four segments, each segment's new text handed out as it grows (tests and fuzzers).
struct ZstdRingDecoded {
  std::string text;
  Status status;
  size_t pending = 0;   // pending_bytes() at the end
  size_t segments = 0;  // segments filled
};
ZstdRingDecoded DecodeZstdInRing(std::string_view data, size_t segment_bytes, size_t feed);

}  // namespace sparkplane::eventlog
