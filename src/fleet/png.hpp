// Minimal PNG writing (8-bit RGB, zlib-compressed, no filtering) and a line chart on top.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace sparkplane::fleet {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);
  void Set(int x, int y, Rgb c);
  Rgb Get(int x, int y) const;
  void Line(int x0, int y0, int x1, int y1, Rgb c);
  void Rect(int x0, int y0, int x1, int y1, Rgb c);  // filled, inclusive
  // Encodes as a PNG file image (signature, IHDR, IDAT, IEND with CRCs).
  Result<std::string> EncodePng() const;

 private:
  int width_, height_;
  std::vector<uint8_t> pixels_;
};

struct ChartSeries {
  std::string name;
  Rgb color;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

struct ChartAxes {
  std::string x_title;     // e.g. "hours"
  std::string y_title;     // e.g. "USD per hour"
  double x_divisor = 1;    // tick labels show x / x_divisor (seconds → hours: 3600)
};

// Renders series as a line chart: axes with titles and four labelled ticks each, a light grid,
// and a legend (a swatch and the series' name, in order) above the plot.
Canvas RenderLineChart(const std::vector<ChartSeries>& series, const ChartAxes& axes, int width, int height);

}  // namespace sparkplane::fleet
