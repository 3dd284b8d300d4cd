#include "eventlog/zstd_direct.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>
#include <string>

#include "eventlog/codec.hpp"

namespace sparkplane::eventlog {
namespace {

std::string EventText(size_t bytes, unsigned seed) {
  std::string s;
  std::mt19937 rng(seed);
  while (s.size() < bytes) {
    s += R"({"Event":"SparkListenerTaskEnd","Stage ID":)" + std::to_string(rng() % 100) +
         R"(,"Task Info":{"Task ID":)" + std::to_string(rng()) + R"(,"Host":")" +
         std::string(rng() % 40, static_cast<char>('a' + rng() % 26)) + "\"}}\n";
  }
  s.resize(bytes);
  return s;
}

// One frame of unknown content size (its window is 1 << window_log, as a streaming writer's).
std::string Frame(std::string_view text, int window_log, bool checksum) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  std::string out(ZSTD_compressBound(text.size()) + 1024, '\0');
  ZSTD_inBuffer in{text.data(), text.size(), 0};
  ZSTD_outBuffer ob{out.data(), out.size(), 0};
  size_t left = ZSTD_compressStream2(cctx, &ob, &in, ZSTD_e_end);
  EXPECT_EQ(left, 0u);
  ZSTD_freeCCtx(cctx);
  out.resize(ob.pos);
  return out;
}

std::string Skippable(size_t bytes) {
  std::string f = {'\x50', '\x2A', '\x4D', '\x18'};  // 0x184D2A50, little endian
  for (int i = 0; i < 4; ++i) f += static_cast<char>((bytes >> (8 * i)) & 0xFF);
  return f + std::string(bytes, 'S');
}

TEST(ZstdDirectTest, DecodesFramesOfEveryWindowAcrossSegmentsLikeTheStreamingDecoder) {
  std::string text = EventText(3 << 20, 1);
  const size_t a = 1 << 20, b = a + 4000;
  // A frame with a 1 MiB window and a checksum, a skippable frame, a tiny frame, an empty frame
  // and a frame with a 4 MiB window (longer than the segments and than itself).
  std::string data = Frame(std::string_view(text).substr(0, a), 20, true) + Skippable(100) +
                     Frame(std::string_view(text).substr(a, b - a), 10, false) +
                     Frame("", 10, true) + Frame(std::string_view(text).substr(b), 22, true);
  auto reference = DecodeAll(Codec::kZstd, data);
  ASSERT_TRUE(reference);
  ASSERT_EQ(*reference, text);
  for (size_t segment : {size_t{4096}, size_t{64} << 10, size_t{2} << 20}) {
    for (size_t feed : {size_t{997}, size_t{64} << 10, data.size()}) {
      ZstdRingDecoded d = DecodeZstdInRing(data, segment, feed);
      ASSERT_TRUE(d.status) << d.status.error().message;
      EXPECT_TRUE(d.text == text) << "segment " << segment << ", feed " << feed;
      EXPECT_EQ(d.pending, 0u);
      EXPECT_GE(d.segments, text.size() / std::max<size_t>(segment, 4 << 20));
    }
  }
}

TEST(ZstdDirectTest, AnUnfinishedFrameGivesWhatIsThereAndReportsItsTail) {
  std::string text = EventText(1 << 20, 2);
  std::string data = Frame(text, 19, true);
  ZstdRingDecoded d =
      DecodeZstdInRing(std::string_view(data).substr(0, data.size() / 2), 8192, 4096);
  ASSERT_TRUE(d.status);
  EXPECT_GT(d.text.size(), 0u);
  EXPECT_TRUE(std::string_view(text).starts_with(d.text));
  EXPECT_GT(d.pending, 0u);
}

TEST(ZstdDirectTest, DamagedStreamsAreCorruption) {
  std::string text = EventText(200000, 3);
  std::string good = Frame(text, 17, true);
  std::string bad_checksum = good;
  bad_checksum.back() = static_cast<char>(bad_checksum.back() ^ 0x5A);
  std::string garbage = good.substr(0, good.size() / 2) + std::string(4096, '\x7F');
  std::string bad_magic = "XXXX" + good.substr(4);
  // A frame whose header asks for a 256 MiB window (above the limit), then one raw block.
  std::string huge_window("\x28\xB5\x2F\xFD\x00\x90\x29\x00\x00hello", 14);
  for (auto [data, says] : {std::pair{bad_checksum, "checksum"},
                            {garbage, "zstd:"},
                            {bad_magic, "zstd:"},
                            {huge_window, "exceeds the limit"}}) {
    ZstdRingDecoded d = DecodeZstdInRing(data, 65536, 8192);
    ASSERT_FALSE(d.status) << says;
    EXPECT_EQ(d.status.error().code, ErrorCode::kCorruption);
    EXPECT_NE(d.status.error().message.find(says), std::string::npos) << d.status.error().message;
  }
}

}  // namespace
}  // namespace sparkplane::eventlog
