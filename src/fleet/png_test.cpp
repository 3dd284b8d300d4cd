#include "fleet/png.hpp"

#include "fleet/bitmap_font.hpp"

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
  Canvas c = RenderLineChart({s}, {"x", "y", 1}, 200, 100);
  int red = 0;
  for (int y = 0; y < 100; ++y) {
    for (int x = 0; x < 200; ++x) {
      Rgb p = c.Get(x, y);
      red += p.r == 255 && p.g == 0 && p.b == 0;
    }
  }
  EXPECT_GT(red, 100);
}

int CountColour(const Canvas& c, int x0, int y0, int x1, int y1, Rgb colour) {
  int n = 0;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      Rgb p = c.Get(x, y);
      n += p.r == colour.r && p.g == colour.g && p.b == colour.b;
    }
  }
  return n;
}

TEST(BitmapFont, DrawsGlyphPixelsAtScale) {
  Canvas c(20, 20, {255, 255, 255});
  DrawText(c, 1, 1, "I", {0, 0, 0}, 2);
  // I: a 3-wide bar top and bottom and the middle column: 3 + 5 + 3 font pixels, 4 canvas each.
  EXPECT_EQ(CountColour(c, 0, 0, 19, 19, {0, 0, 0}), (3 + 5 + 3) * 4);
  EXPECT_EQ(c.Get(1 + 2 * 2, 1).r, 0) << "top bar, middle column";
  EXPECT_EQ(c.Get(1, 1 + 2 * 3).r, 255) << "no left column in the middle row";
  EXPECT_EQ(TextWidth("abc", 2), 36);
  Canvas lower(20, 20, {255, 255, 255}), upper(20, 20, {255, 255, 255});
  DrawText(lower, 0, 0, "k8", {0, 0, 0});
  DrawText(upper, 0, 0, "K8", {0, 0, 0});
  EXPECT_EQ(CountColour(lower, 0, 0, 19, 19, {0, 0, 0}), CountColour(upper, 0, 0, 19, 19, {0, 0, 0}));
}

// The legend names each series beside its swatch and both axes are labelled: text pixels in
// the axis colour appear above the plot, left of the y axis and below the x axis.
TEST(Png, ChartHasLegendAndAxisLabels) {
  ChartSeries a{"sparkplane", {31, 119, 180}, {{0, 0}, {7200, 4}}};
  ChartSeries b{"lower-bound", {150, 150, 150}, {{0, 1}, {7200, 1}}};
  Canvas c = RenderLineChart({a, b}, {"hours", "USD per hour", 3600}, 900, 400);
  Rgb text{60, 60, 60};
  EXPECT_GT(CountColour(c, 170, 8, 500, 20, text), 100) << "legend names";
  EXPECT_GT(CountColour(c, 0, 44, 58, 360, text), 50) << "y tick labels";
  EXPECT_GT(CountColour(c, 64, 366, 880, 399, text), 80) << "x tick labels and title";
  EXPECT_GT(CountColour(c, 0, 20, 120, 35, text), 40) << "y title";
}

}  // namespace
}  // namespace sparkplane::fleet
