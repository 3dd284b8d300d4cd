#define ZSTD_STATIC_LINKING_ONLY  // the buffer-less decompression API
#include "eventlog/zstd_direct.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>

namespace sparkplane::eventlog {

ZstdDirectDecoder::ZstdDirectDecoder(size_t segment_bytes)
    : ctx_(ZSTD_createDCtx()), segment_bytes_(segment_bytes) {}

ZstdDirectDecoder::~ZstdDirectDecoder() { ZSTD_freeDCtx(ctx_); }

void ZstdDirectDecoder::AddInput(std::string_view compressed) {
  in_.Consume(in_pos_);
  in_pos_ = 0;
  in_.Append(compressed);
}

size_t ZstdDirectDecoder::Needed(uint64_t window) const {
  return std::max<size_t>(segment_bytes_, window) + ZSTD_BLOCKSIZE_MAX + kPadding;
}

tl::unexpected<Error> ZstdDirectDecoder::Corrupt(std::string_view what) const {
  return Fail(ErrorCode::kCorruption,
              fmt::format("zstd: {} after {} input bytes", what, consumed_));
}

void ZstdDirectDecoder::Begin(ByteBuffer& out) {
  out.Clear();
  out.Reserve(Needed(window_));
}

size_t ZstdDirectDecoder::pending_bytes() const {
  size_t held = in_.size() - in_pos_;
  if (held > 0 || skip_ > 0) return std::max<size_t>(held, 1);
  return in_frame_ ? 1 : 0;
}

// The segment is full at a frame boundary once it holds segment_bytes_, and inside a frame once
// it holds the frame's whole window (the next segment's references then stay within it: either
// the frame started in this segment or this segment alone covers the window).
Result<ZstdDirectDecoder::Progress> ZstdDirectDecoder::Decode(ByteBuffer& out) {
  while (true) {
    const char* in = in_.data() + in_pos_;
    const size_t held = in_.size() - in_pos_;
    if (!in_frame_) {
      if (skip_ > 0) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, held));
        in_pos_ += n;
        consumed_ += n;
        skip_ -= n;
        if (skip_ > 0) return Progress::kNeedInput;
        continue;
      }
      if (out.size() >= segment_bytes_) return Progress::kFull;
      if (held == 0) return Progress::kNeedInput;
      ZSTD_frameHeader header;
      size_t r = ZSTD_getFrameHeader(&header, in, held);
      if (ZSTD_isError(r)) return Corrupt(ZSTD_getErrorName(r));
      if (r > 0) return Progress::kNeedInput;  // the header is not complete yet
      if (header.frameType == ZSTD_skippableFrame) {
        skip_ = ZSTD_SKIPPABLEHEADERSIZE + header.frameContentSize;  // headerSize is not set
        continue;
      }
      if (header.windowSize > kMaxWindow) {
        return Corrupt(fmt::format("frame window of {} bytes exceeds the limit of {}",
                                   header.windowSize, kMaxWindow));
      }
      window_ = header.windowSize;
      if (out.capacity() < Needed(window_)) {
        if (!out.empty()) return Progress::kFull;  // the next segment is sized for this frame
        out.Reserve(Needed(window_));              // empty: nothing in it is history
      }
      if (size_t e = ZSTD_decompressBegin(ctx_); ZSTD_isError(e))
        return Corrupt(ZSTD_getErrorName(e));
      in_frame_ = true;
    }
    size_t need = ZSTD_nextSrcSizeToDecompress(ctx_);
    if (need == 0) {  // the frame (and its checksum, if any) is complete
      in_frame_ = false;
      continue;
    }
    if (out.size() >= std::max<size_t>(segment_bytes_, window_)) return Progress::kFull;
    if (held < need) return Progress::kNeedInput;
    size_t room = out.capacity() - out.size() - kPadding;
    size_t n = ZSTD_decompressContinue(ctx_, out.data() + out.size(), room, in, need);
    if (ZSTD_isError(n)) return Corrupt(ZSTD_getErrorName(n));
    out.Commit(n);
    in_pos_ += need;
    consumed_ += need;
  }
}

ZstdRingDecoded DecodeZstdInRing(std::string_view data, size_t segment_bytes, size_t feed) {
  ZstdDirectDecoder decoder(segment_bytes);
  ByteBuffer ring[4];
  ZstdRingDecoded d;
  size_t k = 0, delivered = 0, pos = 0;
  decoder.Begin(ring[0]);
  while (true) {
    ByteBuffer& out = ring[k % 4];
    auto progress = decoder.Decode(out);
    if (!progress) {
      d.status = tl::unexpected(progress.error());
      break;
    }
    if (*progress == ZstdDirectDecoder::Progress::kFull) {
      d.text.append(out.view().substr(delivered));
      delivered = 0;
      ++d.segments;
      decoder.Begin(ring[++k % 4]);
      continue;
    }
    if (pos == data.size()) break;
    decoder.AddInput(data.substr(pos, feed));
    pos = std::min(data.size(), pos + feed);
    d.text.append(out.view().substr(delivered));  // as a poll at the end of a growing file
    delivered = out.size();
  }
  d.text.append(ring[k % 4].view().substr(delivered));
  d.pending = decoder.pending_bytes();
  return d;
}

}  // namespace sparkplane::eventlog
