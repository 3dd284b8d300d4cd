#include "fleet/png.hpp"

#include "fleet/bitmap_font.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <zlib.h>

namespace sparkplane::fleet {
namespace {

void PutU32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void PutChunk(std::string& out, const char type[4], const std::string& data) {
  PutU32(out, static_cast<uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  PutU32(out, static_cast<uint32_t>(crc));
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background)
    : width_(width), height_(height), pixels_(static_cast<size_t>(width) * height * 3) {
  for (size_t i = 0; i < pixels_.size(); i += 3) {
    pixels_[i] = background.r;
    pixels_[i + 1] = background.g;
    pixels_[i + 2] = background.b;
  }
}

void Canvas::Set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  pixels_[i] = c.r;
  pixels_[i + 1] = c.g;
  pixels_[i + 2] = c.b;
}

Rgb Canvas::Get(int x, int y) const {
  size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
}

void Canvas::Line(int x0, int y0, int x1, int y1, Rgb c) {
  int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  while (true) {
    Set(x0, y0, c);
    if (x0 == x1 && y0 == y1) break;
    int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void Canvas::Rect(int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = std::min(y0, y1); y <= std::max(y0, y1); ++y) {
    for (int x = std::min(x0, x1); x <= std::max(x0, x1); ++x) Set(x, y, c);
  }
}

Result<std::string> Canvas::EncodePng() const {
  std::string raw;
  raw.reserve(static_cast<size_t>(height_) * (width_ * 3 + 1));
  for (int y = 0; y < height_; ++y) {
    raw.push_back(0);  // filter type None
    raw.append(reinterpret_cast<const char*>(&pixels_[static_cast<size_t>(y) * width_ * 3]),
               static_cast<size_t>(width_) * 3);
  }
  uLongf bound = compressBound(static_cast<uLong>(raw.size()));
  std::string compressed(bound, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &bound,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    return Fail(ErrorCode::kInternal, "zlib compress failed");
  }
  compressed.resize(bound);
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  PutU32(ihdr, static_cast<uint32_t>(width_));
  PutU32(ihdr, static_cast<uint32_t>(height_));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, no filter, no interlace
  PutChunk(out, "IHDR", ihdr);
  PutChunk(out, "IDAT", compressed);
  PutChunk(out, "IEND", "");
  return out;
}

// A tick value with as many decimals as its step needs.
std::string TickLabel(double value, double step) {
  int decimals = step >= 10 ? 0 : step >= 1 ? 1 : 2;
  return fmt::format("{:.{}f}", value, decimals);
}

Canvas RenderLineChart(const std::vector<ChartSeries>& series, const ChartAxes& axes, int width, int height) {
  Canvas c(width, height, {255, 255, 255});
  const int left = 64, right = width - 20, top = 44, bottom = height - 40;
  double xmax = 0, ymax = 0;
  for (auto& s : series) {
    for (auto& [x, y] : s.points) {
      xmax = std::max(xmax, x);
      ymax = std::max(ymax, y);
    }
  }
  if (xmax <= 0) xmax = 1;
  if (ymax <= 0) ymax = 1;
  ymax *= 1.05;
  Rgb grid{225, 225, 225}, axis{60, 60, 60};
  for (int i = 0; i <= 4; ++i) {
    int y = bottom - (bottom - top) * i / 4;
    int x = left + (right - left) * i / 4;
    if (i > 0) {
      c.Line(left, y, right, y, grid);
      c.Line(x, top, x, bottom, grid);
    }
    std::string y_label = TickLabel(ymax * i / 4, ymax / 4);
    DrawText(c, left - 6 - TextWidth(y_label), y - kGlyphHeight / 2, y_label, axis);
    std::string x_label = TickLabel(xmax * i / 4 / axes.x_divisor, xmax / 4 / axes.x_divisor);
    DrawText(c, x - TextWidth(x_label) / 2, bottom + 6, x_label, axis);
  }
  c.Line(left, bottom, right, bottom, axis);
  c.Line(left, top, left, bottom, axis);
  DrawText(c, (left + right - TextWidth(axes.x_title)) / 2, bottom + 22, axes.x_title, axis);
  DrawText(c, 8, top - 16, axes.y_title, axis);
  int legend_x = left + 100;
  for (const auto& s : series) {
    c.Rect(legend_x, 10, legend_x + 14, 18, s.color);
    DrawText(c, legend_x + 20, 11, s.name, axis);
    legend_x += 20 + TextWidth(s.name) + 18;
  }
  for (const auto& s : series) {
    int px = -1, py = -1;
    for (auto& [x, y] : s.points) {
      int X = left + static_cast<int>(std::lround((right - left) * (x / xmax)));
      int Y = bottom - static_cast<int>(std::lround((bottom - top) * (y / ymax)));
      if (px >= 0) {
        c.Line(px, py, X, Y, s.color);
        c.Line(px, py + 1, X, Y + 1, s.color);
      }
      px = X;
      py = Y;
    }
  }
  return c;
}

}  // namespace sparkplane::fleet
