#include "eventlog/codec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sparkplane::eventlog {
namespace {

std::string SampleText(size_t bytes) {
  std::string s;
  std::mt19937 rng(7);
  while (s.size() < bytes) {
    s += R"({"Event":"SparkListenerTaskEnd","Stage ID":)" + std::to_string(rng() % 100) +
         R"(,"Task Info":{"Task ID":)" + std::to_string(rng()) + "}}\n";
  }
  s.resize(bytes);
  return s;
}

class CodecTest : public ::testing::TestWithParam<Codec> {};

TEST_P(CodecTest, RoundTripsAcrossBlockBoundaries) {
  std::string plain = SampleText(300 * 1000);
  auto encoded = Encode(GetParam(), plain, 32 * 1024);
  ASSERT_TRUE(encoded) << encoded.error().message;
  auto decoded = DecodeAll(GetParam(), *encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, plain);
}

TEST_P(CodecTest, DecodesWhenFedOneByteAtATime) {
  std::string plain = SampleText(70 * 1000);
  auto encoded = Encode(GetParam(), plain, 16 * 1024);
  ASSERT_TRUE(encoded);
  auto decoder = MakeDecoder(GetParam());
  ByteBuffer out;
  for (char c : *encoded) ASSERT_TRUE(decoder->Feed(std::string_view(&c, 1), out));
  EXPECT_EQ(out.view(), plain);
  EXPECT_EQ(decoder->pending_bytes(), 0u);
}

TEST_P(CodecTest, ConcatenatedStreamsDecode) {
  std::string a = SampleText(50 * 1000), b = SampleText(20 * 1000);
  auto ea = Encode(GetParam(), a), eb = Encode(GetParam(), b);
  ASSERT_TRUE(ea && eb);
  auto decoded = DecodeAll(GetParam(), *ea + *eb);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, a + b);
}

TEST_P(CodecTest, TruncatedStreamKeepsCompleteBlocksAndReportsTail) {
  if (GetParam() == Codec::kNone) GTEST_SKIP();
  std::string plain = SampleText(200 * 1000);
  auto encoded = Encode(GetParam(), plain, 32 * 1024);
  ASSERT_TRUE(encoded);
  std::string cut = encoded->substr(0, encoded->size() * 2 / 3);
  EXPECT_FALSE(DecodeAll(GetParam(), cut));
  auto partial = DecodeAll(GetParam(), cut, /*allow_partial_tail=*/true);
  ASSERT_TRUE(partial) << partial.error().message;
  EXPECT_GT(partial->size(), 0u);
  EXPECT_EQ(plain.substr(0, partial->size()), *partial);
}

TEST_P(CodecTest, CorruptionListNeverCrashes) {
  if (GetParam() == Codec::kNone) GTEST_SKIP();
  std::string plain = SampleText(100 * 1000);
  auto encoded = Encode(GetParam(), plain, 32 * 1024);
  ASSERT_TRUE(encoded);
  std::mt19937 rng(11);
  // Truncation at every position class, bit flips everywhere, garbage prefixes and suffixes.
  for (size_t cut = 0; cut < encoded->size(); cut += 97) {
    (void)DecodeAll(GetParam(), encoded->substr(0, cut), true);
  }
  int failures = 0;
  for (int i = 0; i < 400; ++i) {
    std::string damaged = *encoded;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    auto r = DecodeAll(GetParam(), damaged);
    if (!r || *r != plain) ++failures;
  }
  EXPECT_GT(failures, 0);
  std::string garbage(5000, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  EXPECT_FALSE(DecodeAll(GetParam(), garbage));
  EXPECT_FALSE(DecodeAll(GetParam(), *encoded + garbage));
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest,
                         ::testing::Values(Codec::kNone, Codec::kZstd, Codec::kLz4, Codec::kSnappy,
                                           Codec::kLzf),
                         [](const auto& info) {
                           auto name = CodecName(info.param);
                           return name.empty() ? std::string("plain") : std::string(name);
                         });

// Header fields the framings validate, damaged one at a time.
TEST(Lz4BlockTest, BadLengthAndChecksumAreCorruption) {
  std::string plain = SampleText(10000);
  auto encoded = Encode(Codec::kLz4, plain);
  ASSERT_TRUE(encoded);
  std::string bad_length = *encoded;
  bad_length[13] = '\x7f';  // decompressed length far above the block size
  bad_length[16] = '\x7f';
  EXPECT_EQ(DecodeAll(Codec::kLz4, bad_length).error().code, ErrorCode::kCorruption);
  std::string bad_checksum = *encoded;
  bad_checksum[17] ^= 1;
  auto r = DecodeAll(Codec::kLz4, bad_checksum);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("checksum"), std::string::npos);
  std::string bad_magic = *encoded;
  bad_magic[0] = 'X';
  EXPECT_FALSE(DecodeAll(Codec::kLz4, bad_magic));
}

TEST(SnappyStreamTest, BadHeaderAndLengthAreCorruption) {
  auto encoded = Encode(Codec::kSnappy, SampleText(10000));
  ASSERT_TRUE(encoded);
  std::string no_header = encoded->substr(16);
  EXPECT_FALSE(DecodeAll(Codec::kSnappy, no_header));
  std::string bad_length = *encoded;
  bad_length[16] = '\x7f';
  EXPECT_FALSE(DecodeAll(Codec::kSnappy, bad_length));
}

TEST(LzfTest, BadChunkTypeIsCorruption) {
  auto encoded = Encode(Codec::kLzf, SampleText(10000));
  ASSERT_TRUE(encoded);
  std::string bad = *encoded;
  bad[2] = 7;
  EXPECT_FALSE(DecodeAll(Codec::kLzf, bad));
}

TEST(ZstdTest, OpenLastFrameDecodesWhatIsThere) {
  std::string plain = SampleText(100000);
  auto encoded = Encode(Codec::kZstd, plain, 8192);
  ASSERT_TRUE(encoded);
  auto decoder = MakeDecoder(Codec::kZstd);
  ByteBuffer out;
  ASSERT_TRUE(decoder->Feed(std::string_view(*encoded).substr(0, encoded->size() - 5), out));
  EXPECT_GT(decoder->pending_bytes(), 0u);
  ASSERT_TRUE(decoder->Feed(std::string_view(*encoded).substr(encoded->size() - 5), out));
  EXPECT_EQ(out.view(), plain);
}

TEST(CodecNameTest, NamesAreCaseSensitive) {
  EXPECT_EQ(CodecFromName("zstd"), Codec::kZstd);
  EXPECT_FALSE(CodecFromName("ZSTD"));
  EXPECT_FALSE(CodecFromName("gz"));
}

}  // namespace
}  // namespace sparkplane::eventlog
