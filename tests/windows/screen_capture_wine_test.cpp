// Windows screen and window capture (media/video/win_screen_grabber.cpp)
// under Wine on an X display: the test opens a window of its own, painted
// red on the left and blue on the right, and grabs it by its handle, grabs
// the desktop (Wine offers no Desktop Duplication, so this is the GDI path)
// and a region of it, and finds the window in the share chooser's list.
// Built and run under Wine and Xvfb by tests/windows/run-wine-checks.

#include <catch2/catch.hpp>

#include <windows.h>

#include <cstdint>
#include <string>

#include "media/video/win_screen_grabber.h"

using namespace parley::media;

namespace {

constexpr int kWidth = 320;
constexpr int kHeight = 240;
constexpr int kLeft = 60;
constexpr int kTop = 80;

void paint(HWND window, HDC dc) {
  RECT client{};
  ::GetClientRect(window, &client);
  RECT left = client;
  left.right = client.right / 2;
  RECT right = client;
  right.left = client.right / 2;
  HBRUSH red = ::CreateSolidBrush(RGB(220, 20, 20));
  HBRUSH blue = ::CreateSolidBrush(RGB(20, 20, 220));
  ::FillRect(dc, &left, red);
  ::FillRect(dc, &right, blue);
  ::DeleteObject(red);
  ::DeleteObject(blue);
}

LRESULT CALLBACK windowProc(HWND window, UINT message, WPARAM wparam, LPARAM lparam) {
  switch (message) {
    case WM_PAINT: {
      PAINTSTRUCT ps{};
      HDC dc = ::BeginPaint(window, &ps);
      paint(window, dc);
      ::EndPaint(window, &ps);
      return 0;
    }
    case WM_PRINTCLIENT:
      paint(window, reinterpret_cast<HDC>(wparam));
      return 0;
    default:
      return ::DefWindowProcW(window, message, wparam, lparam);
  }
}

// A borderless top-level window at a known place, shown and painted.
class TestWindow {
 public:
  TestWindow() {
    WNDCLASSW cls{};
    cls.lpfnWndProc = windowProc;
    cls.hInstance = ::GetModuleHandleW(nullptr);
    cls.lpszClassName = L"ParleyCaptureTest";
    ::RegisterClassW(&cls);
    window_ = ::CreateWindowExW(WS_EX_TOPMOST, L"ParleyCaptureTest", L"Parley capture test",
                                WS_POPUP | WS_VISIBLE, kLeft, kTop, kWidth, kHeight, nullptr,
                                nullptr, cls.hInstance, nullptr);
    REQUIRE(window_ != nullptr);
    ::UpdateWindow(window_);
    pump();
  }
  ~TestWindow() { ::DestroyWindow(window_); }
  TestWindow(const TestWindow&) = delete;
  TestWindow& operator=(const TestWindow&) = delete;

  [[nodiscard]] std::uint64_t id() const {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(window_));
  }

  // Lets the window be mapped and painted (bounded).
  static void pump() {
    for (int i = 0; i < 50; ++i) {
      MSG msg{};
      while (::PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE) != FALSE) {
        ::TranslateMessage(&msg);
        ::DispatchMessageW(&msg);
      }
      ::Sleep(10);
    }
  }

 private:
  HWND window_ = nullptr;
};

struct Bgr {
  int b, g, r;
};

Bgr pixel(const PackedImage& image, int x, int y) {
  const auto at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                   static_cast<std::size_t>(x)) *
                  4;
  return {image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
}

bool isRed(Bgr p) { return p.r > 180 && p.g < 60 && p.b < 60; }
bool isBlue(Bgr p) { return p.b > 180 && p.g < 60 && p.r < 60; }

}  // namespace

TEST_CASE("a window is grabbed by its handle, its own size") {
  TestWindow window;
  auto grabber = WinScreenGrabber::open(window.id(), std::nullopt);
  REQUIRE(grabber);
  CHECK((*grabber)->method() == "GDI window");
  auto image = (*grabber)->grab();
  REQUIRE(image);
  CHECK(image->format == PixelFormat::Bgra);
  REQUIRE(image->width == kWidth);
  REQUIRE(image->height == kHeight);
  CHECK(isRed(pixel(*image, kWidth / 4, kHeight / 2)));
  CHECK(isBlue(pixel(*image, 3 * kWidth / 4, kHeight / 2)));
}

TEST_CASE("the desktop is grabbed, through GDI where duplication is missing") {
  TestWindow window;
  auto grabber = WinScreenGrabber::open(std::nullopt, std::nullopt);
  REQUIRE(grabber);
  INFO("method: " << (*grabber)->method());
  CHECK(((*grabber)->method() == "GDI" || (*grabber)->method() == "DXGI desktop duplication"));
  auto image = (*grabber)->grab();
  REQUIRE(image);
  CHECK(image->width == ::GetSystemMetrics(SM_CXVIRTUALSCREEN));
  CHECK(image->height == ::GetSystemMetrics(SM_CYVIRTUALSCREEN));
  const int x0 = kLeft - ::GetSystemMetrics(SM_XVIRTUALSCREEN);
  const int y0 = kTop - ::GetSystemMetrics(SM_YVIRTUALSCREEN);
  CHECK(isRed(pixel(*image, x0 + kWidth / 4, y0 + kHeight / 2)));
  CHECK(isBlue(pixel(*image, x0 + 3 * kWidth / 4, y0 + kHeight / 2)));
}

TEST_CASE("a region of the desktop, and one that is not on it") {
  TestWindow window;
  auto grabber = WinScreenGrabber::open(std::nullopt, CaptureRegion{kLeft + kWidth / 2, kTop,
                                                                    kWidth / 2, kHeight});
  REQUIRE(grabber);
  CHECK((*grabber)->method() == "GDI");
  auto image = (*grabber)->grab();
  REQUIRE(image);
  REQUIRE(image->width == kWidth / 2);
  CHECK(isBlue(pixel(*image, 10, kHeight / 2)));
  CHECK_FALSE(WinScreenGrabber::open(std::nullopt, CaptureRegion{-100000, 0, 50, 50}));
  CHECK_FALSE(WinScreenGrabber::open(std::nullopt, CaptureRegion{0, 0, 0, 50}));
}

TEST_CASE("the chooser lists the desktop and the window; a closed window fails cleanly") {
  std::uint64_t id = 0;
  {
    TestWindow window;
    id = window.id();
    const auto targets = listWindowsTargets();
    REQUIRE(!targets.empty());
    CHECK(targets.front().kind == ShareableTarget::Kind::Screen);
    bool found = false;
    for (const auto& t : targets) {
      if (t.kind == ShareableTarget::Kind::Window && t.id == id) {
        found = true;
        CHECK(t.name == "Parley capture test");
        CHECK(t.geometry.width == kWidth);
      }
    }
    CHECK(found);
  }
  CHECK_FALSE(WinScreenGrabber::open(id, std::nullopt));
}
