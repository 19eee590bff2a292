#pragma once
// Desktop-like test pictures for the video tests and the encode benchmark:
// a window with lines of small text (a tiny built-in bitmap font), a title
// bar, a sidebar of coloured icons, a taskbar, and optionally a terminal
// region that scrolls and a small moving spinner, like a real shared screen.
// Deterministic; header-only so tests/bench can use it too.

#include <algorithm>
#include <array>
#include <cstdint>

#include "media/video/frame_convert.h"

namespace parley::media::test {

// A 5x7 glyph per printable ASCII character. Not a real typeface: each
// glyph is a stem plus strokes from a fixed hash, about a third of its cells
// inked like real letters, giving the same mix of one-pixel strokes and gaps
// as text (what makes text hard to code), on any machine.
inline std::array<std::uint8_t, 7> glyph(char c) {
  std::array<std::uint8_t, 7> rows{};
  if (c == ' ') {
    return rows;
  }
  std::uint32_t h = 2166136261U ^ static_cast<std::uint8_t>(c);
  for (auto& row : rows) {
    h = h * 16777619U + 0x9e3779b9U;
    h ^= h >> 13;
    row = static_cast<std::uint8_t>((h >> 8) & (h >> 16) & 0x1f);
  }
  rows[0] |= 0x04;  // every glyph gets a stem, as most letters have
  rows[3] |= 0x04;
  rows[6] |= 0x04;
  return rows;
}

inline void fillRect(PackedImage& img, int x, int y, int w, int h, std::uint8_t r, std::uint8_t g,
                     std::uint8_t b) {
  const int bpp = bytesPerPixel(img.format);
  for (int yy = std::max(0, y); yy < std::min(img.height, y + h); ++yy) {
    for (int xx = std::max(0, x); xx < std::min(img.width, x + w); ++xx) {
      std::uint8_t* p = img.pixels.data() + static_cast<std::size_t>(yy) * img.stride() +
                        static_cast<std::size_t>(xx) * bpp;
      if (img.format == PixelFormat::Bgra) {
        p[0] = b;
        p[1] = g;
        p[2] = r;
      } else {
        p[0] = r;
        p[1] = g;
        p[2] = b;
      }
      if (bpp == 4) {
        p[3] = 255;
      }
    }
  }
}

// Draws `text` at (x, y) with glyphs scaled by `scale`, 1 pixel between
// glyphs at scale 1; clipped to the image.
inline void drawText(PackedImage& img, int x, int y, const char* text, int scale, std::uint8_t r,
                     std::uint8_t g, std::uint8_t b) {
  for (int i = 0; text[i] != '\0'; ++i) {
    const auto rows = glyph(text[i]);
    for (int gy = 0; gy < 7; ++gy) {
      for (int gx = 0; gx < 5; ++gx) {
        if ((rows[static_cast<std::size_t>(gy)] >> (4 - gx)) & 1U) {
          fillRect(img, x + (i * 6 + gx) * scale, y + gy * scale, scale, scale, r, g, b);
        }
      }
    }
  }
}

inline const char* sampleLine(int n) {
  static constexpr const char* kLines[] = {
      "int main(int argc, char** argv) { return run(argc, argv); }",
      "The quarterly report shows revenue up 12% against last year.",
      "  for (const auto& frame : frames) encoder.encode(frame);",
      "Meeting notes: agree on the codec, ship the screen share first.",
      "$ ninja -C build/dev-video media_video_test && ./media_video_test",
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do.",
      "ERROR 2024-05-01 12:00:03 connection reset by peer (retrying)",
      "    if (!result) return makeError(std::move(result).error());",
  };
  return kLines[static_cast<unsigned>(n) % 8];
}

// A whole desktop. `frame` moves the animated parts when `animate` is set:
// the terminal scrolls one text line every 4 frames and the spinner moves.
inline PackedImage renderDesktop(int width, int height, int frame = 0, bool animate = false,
                                 PixelFormat format = PixelFormat::Rgba) {
  PackedImage img = PackedImage::allocate(width, height, format);
  fillRect(img, 0, 0, width, height, 58, 110, 165);      // wallpaper
  fillRect(img, 0, height - 40, width, 40, 32, 32, 36);  // taskbar
  drawText(img, 12, height - 28, "Start  Files  Browser  Parley", 2, 230, 230, 230);
  drawText(img, width - 120, height - 26, "12:34", 2, 230, 230, 230);

  // Editor window: title bar, sidebar with icons, white page of text.
  const int wx = width / 20;
  const int wy = height / 20;
  const int ww = width * 11 / 20;
  const int wh = height * 16 / 20;
  fillRect(img, wx, wy, ww, 30, 45, 85, 140);
  drawText(img, wx + 10, wy + 8, "report.txt - Editor", 2, 255, 255, 255);
  fillRect(img, wx, wy + 30, 48, wh - 30, 230, 230, 235);
  for (int i = 0; i < 6; ++i) {
    const auto c = static_cast<std::uint8_t>(40 * i);
    fillRect(img, wx + 8, wy + 42 + i * 44, 32, 32, c, static_cast<std::uint8_t>(200 - c), 90);
  }
  fillRect(img, wx + 48, wy + 30, ww - 48, wh - 30, 255, 255, 255);
  for (int line = 0; wy + 40 + line * 14 < wy + wh - 10; ++line) {
    drawText(img, wx + 58, wy + 40 + line * 14, sampleLine(line), 1, 20, 20, 20);
  }

  // Terminal window on the right: light text on dark, scrolls when animated.
  const int tx = wx + ww + width / 40;
  const int ty = wy + height / 10;
  const int tw = width - tx - width / 40;
  const int th = height / 2;
  fillRect(img, tx, ty, tw, 24, 70, 70, 70);
  drawText(img, tx + 8, ty + 6, "terminal", 2, 240, 240, 240);
  fillRect(img, tx, ty + 24, tw, th - 24, 18, 18, 18);
  const int scroll = animate ? frame / 4 : 0;
  for (int line = 0; ty + 30 + line * 14 < ty + th - 10; ++line) {
    drawText(img, tx + 6, ty + 30 + line * 14, sampleLine(line + scroll + 3), 1, 120, 230, 120);
  }

  // A small moving area (a spinner or a video thumbnail) below it.
  const int sx = tx + 20 + (animate ? (frame * 6) % std::max(1, tw - 100) : 0);
  const int sy = ty + th + 40;
  fillRect(img, tx, sy - 10, tw, 84, 240, 240, 240);
  fillRect(img, sx, sy, 64, 64, 220, 60, 40);
  fillRect(img, sx + 16, sy + 16, 32, 32, 250, 200, 40);
  return img;
}

}  // namespace parley::media::test
