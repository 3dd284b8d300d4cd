// A 5×7 bitmap font for chart labels on a Canvas: A–Z (lower case drawn as upper case), 0–9,
// space and . , - / $ ( ) : %; other characters are drawn as a box.
#pragma once

#include <string_view>

#include "fleet/png.hpp"

namespace sparkplane::fleet {

// Draws `text` with its top-left corner at (x, y), each font pixel `scale` canvas pixels.
void DrawText(Canvas& canvas, int x, int y, std::string_view text, Rgb color, int scale = 1);
// Width in canvas pixels of `text` drawn at `scale` (6 font columns per character).
int TextWidth(std::string_view text, int scale = 1);
inline constexpr int kGlyphHeight = 7;

}  // namespace sparkplane::fleet
