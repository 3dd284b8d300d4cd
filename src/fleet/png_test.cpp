#include "fleet/png.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

namespace sparkplane::fleet {
namespace {

uint32_t U32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}

TEST(Png, EncodesDecodableImage) {
  Canvas c(3, 2, {255, 255, 255});
  c.Set(1, 1, {10, 20, 30});
  auto png = c.EncodePng();
  ASSERT_TRUE(png.has_value());
  const std::string& s = *png;
  ASSERT_EQ(s.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(s.substr(12, 4), "IHDR");
  EXPECT_EQ(U32(s, 16), 3u);
  EXPECT_EQ(U32(s, 20), 2u);
  // Walk chunks, check CRCs, inflate IDAT and compare pixels.
  size_t pos = 8;
  std::string idat;
  bool saw_end = false;
  while (pos + 12 <= s.size()) {
    uint32_t len = U32(s, pos);
    std::string type = s.substr(pos + 4, 4);
    uLong crc = crc32(0, reinterpret_cast<const Bytef*>(s.data() + pos + 4), len + 4);
    EXPECT_EQ(U32(s, pos + 8 + len), static_cast<uint32_t>(crc)) << type;
    if (type == "IDAT") idat += s.substr(pos + 8, len);
    if (type == "IEND") saw_end = true;
    pos += 12 + len;
  }
  EXPECT_TRUE(saw_end);
  std::string raw(2 * (1 + 9), '\0');
  uLongf raw_len = raw.size();
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_len,
                       reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  ASSERT_EQ(raw_len, raw.size());
  EXPECT_EQ(uint8_t(raw[10 + 1 + 3]), 10);  // row 1, pixel 1
  EXPECT_EQ(uint8_t(raw[10 + 1 + 4]), 20);
  EXPECT_EQ(uint8_t(raw[10 + 1 + 5]), 30);
  EXPECT_EQ(uint8_t(raw[1]), 255);
}

TEST(Png, ChartDrawsSeries) {
  ChartSeries s{"a", {255, 0, 0}, {{0, 0}, {10, 5}}};
  Canvas c = RenderLineChart({s}, 200, 100);
  int red = 0;
  for (int y = 0; y < 100; ++y) {
    for (int x = 0; x < 200; ++x) {
      Rgb p = c.Get(x, y);
      red += p.r == 255 && p.g == 0 && p.b == 0;
    }
  }
  EXPECT_GT(red, 100);
}

}  // namespace
}  // namespace sparkplane::fleet
