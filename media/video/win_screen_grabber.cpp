// Windows screen and window grabbing: DXGI Desktop Duplication for the whole
// desktop when there is one monitor and the system offers it, GDI otherwise.
#if defined(_WIN32)

#include "media/video/win_screen_grabber.h"

// clang-format off
#include <windows.h>
#include <d3d11.h>
#include <dxgi1_2.h>
// clang-format on

#include <cstring>
#include <utility>

namespace parley::media {
namespace {

// How long one Desktop Duplication frame is waited for before the last
// picture is repeated (nothing changed on screen meanwhile).
constexpr UINT kDuplicationWaitMs = 50;

// Owns one COM reference.
template <typename T>
class Com {
 public:
  Com() = default;
  ~Com() { reset(); }
  Com(const Com&) = delete;
  Com& operator=(const Com&) = delete;
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T** out() {
    reset();
    return &p_;
  }
  void reset() {
    if (p_ != nullptr) {
      p_->Release();
      p_ = nullptr;
    }
  }

 private:
  T* p_ = nullptr;
};

std::string narrow(const std::wstring& w) {
  if (w.empty()) {
    return {};
  }
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, w.c_str(), static_cast<int>(w.size()), nullptr, 0,
                                      nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
  if (n > 0) {
    ::WideCharToMultiByte(CP_UTF8, 0, w.c_str(), static_cast<int>(w.size()), out.data(), n, nullptr,
                          nullptr);
  }
  return out;
}

Unexpected captureFailed(const std::string& why) {
  return makeError(ErrorCode::CaptureFailed, "screen capture: " + why);
}

PackedImage blankImage(int width, int height) {
  PackedImage image;
  image.width = width;
  image.height = height;
  image.format = PixelFormat::Bgra;
  image.pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4, 0);
  return image;
}

// A memory DC with a top-down 32-bit DIB of one size, reused between grabs.
class DibTarget {
 public:
  DibTarget() = default;
  ~DibTarget() { release(); }
  DibTarget(const DibTarget&) = delete;
  DibTarget& operator=(const DibTarget&) = delete;

  bool ensure(int width, int height) {
    if (dc_ != nullptr && width == width_ && height == height_) {
      return true;
    }
    release();
    BITMAPINFO info{};
    info.bmiHeader.biSize = sizeof(BITMAPINFOHEADER);
    info.bmiHeader.biWidth = width;
    info.bmiHeader.biHeight = -height;  // top-down rows
    info.bmiHeader.biPlanes = 1;
    info.bmiHeader.biBitCount = 32;
    info.bmiHeader.biCompression = BI_RGB;
    dc_ = ::CreateCompatibleDC(nullptr);
    bitmap_ = ::CreateDIBSection(dc_, &info, DIB_RGB_COLORS, &bits_, nullptr, 0);
    if (dc_ == nullptr || bitmap_ == nullptr || bits_ == nullptr) {
      release();
      return false;
    }
    old_ = ::SelectObject(dc_, bitmap_);
    width_ = width;
    height_ = height;
    return true;
  }

  [[nodiscard]] HDC dc() const { return dc_; }

  PackedImage copy() const {
    PackedImage image = blankImage(width_, height_);
    ::GdiFlush();  // the DIB's bits are final only after GDI's batch ran
    std::memcpy(image.pixels.data(), bits_, image.pixels.size());
    return image;
  }

 private:
  void release() {
    if (dc_ != nullptr && old_ != nullptr) {
      ::SelectObject(dc_, old_);
    }
    if (bitmap_ != nullptr) {
      ::DeleteObject(bitmap_);
    }
    if (dc_ != nullptr) {
      ::DeleteDC(dc_);
    }
    dc_ = nullptr;
    bitmap_ = nullptr;
    old_ = nullptr;
    bits_ = nullptr;
  }

  HDC dc_ = nullptr;
  HBITMAP bitmap_ = nullptr;
  HGDIOBJ old_ = nullptr;
  void* bits_ = nullptr;
  int width_ = 0;
  int height_ = 0;
};

// The first output of the default adapter, duplicated.
class Duplication {
 public:
  bool open() {
    if (D3D11CreateDevice(nullptr, D3D_DRIVER_TYPE_HARDWARE, nullptr, 0, nullptr, 0,
                          D3D11_SDK_VERSION, device_.out(), nullptr, context_.out()) != S_OK) {
      return false;
    }
    Com<IDXGIDevice> dxgi;
    Com<IDXGIAdapter> adapter;
    Com<IDXGIOutput> output;
    Com<IDXGIOutput1> output1;
    if (device_->QueryInterface(__uuidof(IDXGIDevice), reinterpret_cast<void**>(dxgi.out())) !=
            S_OK ||
        dxgi->GetAdapter(adapter.out()) != S_OK || adapter->EnumOutputs(0, output.out()) != S_OK ||
        output->QueryInterface(__uuidof(IDXGIOutput1), reinterpret_cast<void**>(output1.out())) !=
            S_OK ||
        output1->DuplicateOutput(device_.get(), duplication_.out()) != S_OK) {
      return false;
    }
    DXGI_OUTDUPL_DESC desc{};
    duplication_->GetDesc(&desc);
    width_ = static_cast<int>(desc.ModeDesc.Width);
    height_ = static_cast<int>(desc.ModeDesc.Height);
    D3D11_TEXTURE2D_DESC staging{};
    staging.Width = desc.ModeDesc.Width;
    staging.Height = desc.ModeDesc.Height;
    staging.MipLevels = 1;
    staging.ArraySize = 1;
    staging.Format = DXGI_FORMAT_B8G8R8A8_UNORM;
    staging.SampleDesc.Count = 1;
    staging.Usage = D3D11_USAGE_STAGING;
    staging.CPUAccessFlags = D3D11_CPU_ACCESS_READ;
    return width_ > 0 && height_ > 0 &&
           device_->CreateTexture2D(&staging, nullptr, staging_.out()) == S_OK;
  }

  // The next picture; the previous one again when nothing changed; none
  // when nothing changed and there is no previous one yet; an error when the
  // duplication was lost (mode change, secure desktop).
  Result<std::optional<PackedImage>> grab() {
    DXGI_OUTDUPL_FRAME_INFO info{};
    Com<IDXGIResource> resource;
    const HRESULT acquired =
        duplication_->AcquireNextFrame(kDuplicationWaitMs, &info, resource.out());
    if (acquired == DXGI_ERROR_WAIT_TIMEOUT) {
      return last_.pixels.empty() ? std::nullopt : std::optional<PackedImage>(last_);
    }
    if (acquired != S_OK) {
      return captureFailed("the desktop duplication was lost");
    }
    Com<ID3D11Texture2D> texture;
    const bool copied = resource->QueryInterface(__uuidof(ID3D11Texture2D),
                                                 reinterpret_cast<void**>(texture.out())) == S_OK;
    if (copied) {
      context_->CopyResource(staging_.get(), texture.get());
    }
    duplication_->ReleaseFrame();
    D3D11_MAPPED_SUBRESOURCE mapped{};
    if (!copied || context_->Map(staging_.get(), 0, D3D11_MAP_READ, 0, &mapped) != S_OK) {
      return captureFailed("the duplicated desktop could not be read");
    }
    PackedImage image = blankImage(width_, height_);
    const auto row = static_cast<std::size_t>(width_) * 4;
    for (int y = 0; y < height_; ++y) {
      std::memcpy(image.pixels.data() + static_cast<std::size_t>(y) * row,
                  static_cast<const std::uint8_t*>(mapped.pData) +
                      static_cast<std::size_t>(y) * mapped.RowPitch,
                  row);
    }
    context_->Unmap(staging_.get(), 0);
    last_ = image;
    return std::optional<PackedImage>(std::move(image));
  }

  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }

 private:
  Com<ID3D11Device> device_;
  Com<ID3D11DeviceContext> context_;
  Com<IDXGIOutputDuplication> duplication_;
  Com<ID3D11Texture2D> staging_;
  PackedImage last_;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace

struct WinScreenGrabber::Impl {
  HWND window = nullptr;
  RECT area{};  // desktop coordinates (desktop) or client size (window)
  std::unique_ptr<Duplication> duplication;
  DibTarget target;

  Result<PackedImage> grabDesktop() {
    if (duplication) {
      auto image = duplication->grab();
      if (image && *image) {
        return std::move(**image);
      }
      if (!image) {
        duplication.reset();  // lost: GDI from now on
      }
      // Else nothing new and no picture yet: this one from GDI.
    }
    const int w = area.right - area.left;
    const int h = area.bottom - area.top;
    if (!target.ensure(w, h)) {
      return captureFailed("no memory for a " + std::to_string(w) + "x" + std::to_string(h) +
                           " picture");
    }
    HDC screen = ::GetDC(nullptr);
    const BOOL ok =
        ::BitBlt(target.dc(), 0, 0, w, h, screen, area.left, area.top, SRCCOPY | CAPTUREBLT);
    ::ReleaseDC(nullptr, screen);
    if (ok == FALSE) {
      return captureFailed("the desktop cannot be read (a secure desktop?)");
    }
    return target.copy();
  }

  Result<PackedImage> grabWindow() {
    if (::IsWindow(window) == FALSE) {
      return captureFailed("the window was closed");
    }
    RECT client{};
    ::GetClientRect(window, &client);
    const int w = client.right - client.left;
    const int h = client.bottom - client.top;
    if (w <= 0 || h <= 0 || ::IsIconic(window) != FALSE) {
      return captureFailed("the window is minimized");
    }
    if (!target.ensure(w, h)) {
      return captureFailed("no memory for the window's picture");
    }
    area = client;
    // PrintWindow asks the window to draw itself (right even when covered);
    // a window that cannot is copied from the screen as it shows.
    constexpr UINT kClientOnly = 0x1;
    constexpr UINT kRenderFullContent = 0x2;
    if (::PrintWindow(window, target.dc(), kClientOnly | kRenderFullContent) == FALSE) {
      HDC source = ::GetDC(window);
      const BOOL ok = ::BitBlt(target.dc(), 0, 0, w, h, source, 0, 0, SRCCOPY);
      ::ReleaseDC(window, source);
      if (ok == FALSE) {
        return captureFailed("the window cannot be read");
      }
    }
    return target.copy();
  }
};

Result<std::unique_ptr<WinScreenGrabber>> WinScreenGrabber::open(
    std::optional<std::uint64_t> window, std::optional<CaptureRegion> region) {
  auto impl = std::make_unique<Impl>();
  if (window) {
    impl->window = reinterpret_cast<HWND>(static_cast<std::uintptr_t>(*window));
    if (::IsWindow(impl->window) == FALSE) {
      return captureFailed("no window " + std::to_string(*window));
    }
    ::GetClientRect(impl->window, &impl->area);
    return std::unique_ptr<WinScreenGrabber>(new WinScreenGrabber(std::move(impl)));
  }
  RECT desktop{::GetSystemMetrics(SM_XVIRTUALSCREEN), ::GetSystemMetrics(SM_YVIRTUALSCREEN), 0, 0};
  desktop.right = desktop.left + ::GetSystemMetrics(SM_CXVIRTUALSCREEN);
  desktop.bottom = desktop.top + ::GetSystemMetrics(SM_CYVIRTUALSCREEN);
  if (region) {
    RECT wanted{region->x, region->y, region->x + region->width, region->y + region->height};
    if (region->width <= 0 || region->height <= 0 ||
        ::IntersectRect(&impl->area, &wanted, &desktop) == FALSE ||
        ::EqualRect(&impl->area, &wanted) == FALSE) {
      return captureFailed("the region is not on the desktop");
    }
  } else {
    impl->area = desktop;
    // Duplication shows one monitor: used when that is the whole desktop.
    if (::GetSystemMetrics(SM_CMONITORS) == 1) {
      auto duplication = std::make_unique<Duplication>();
      if (duplication->open() && duplication->width() == desktop.right - desktop.left &&
          duplication->height() == desktop.bottom - desktop.top) {
        impl->duplication = std::move(duplication);
      }
    }
  }
  if (impl->area.right <= impl->area.left || impl->area.bottom <= impl->area.top) {
    return captureFailed("the desktop has no size");
  }
  return std::unique_ptr<WinScreenGrabber>(new WinScreenGrabber(std::move(impl)));
}

WinScreenGrabber::WinScreenGrabber(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WinScreenGrabber::~WinScreenGrabber() = default;

Result<PackedImage> WinScreenGrabber::grab() {
  return impl_->window != nullptr ? impl_->grabWindow() : impl_->grabDesktop();
}

std::string WinScreenGrabber::method() const {
  if (impl_->window != nullptr) {
    return "GDI window";
  }
  return impl_->duplication ? "DXGI desktop duplication" : "GDI";
}

int WinScreenGrabber::width() const { return impl_->area.right - impl_->area.left; }
int WinScreenGrabber::height() const { return impl_->area.bottom - impl_->area.top; }

std::vector<ShareableTarget> listWindowsTargets() {
  std::vector<ShareableTarget> out;
  ShareableTarget desktop;
  desktop.kind = ShareableTarget::Kind::Screen;
  desktop.geometry = {::GetSystemMetrics(SM_XVIRTUALSCREEN), ::GetSystemMetrics(SM_YVIRTUALSCREEN),
                      ::GetSystemMetrics(SM_CXVIRTUALSCREEN),
                      ::GetSystemMetrics(SM_CYVIRTUALSCREEN)};
  desktop.name = "Desktop (" + std::to_string(desktop.geometry.width) + "x" +
                 std::to_string(desktop.geometry.height) + ")";
  out.push_back(desktop);
  ::EnumWindows(
      [](HWND window, LPARAM param) -> BOOL {
        auto* list = reinterpret_cast<std::vector<ShareableTarget>*>(param);
        const LONG_PTR ex_style = ::GetWindowLongPtrW(window, GWL_EXSTYLE);
        const int length = ::GetWindowTextLengthW(window);
        if (::IsWindowVisible(window) == FALSE || length <= 0 ||
            (ex_style & WS_EX_TOOLWINDOW) != 0 || list->size() > 256) {
          return TRUE;
        }
        std::wstring title(static_cast<std::size_t>(length) + 1, L'\0');
        title.resize(static_cast<std::size_t>(::GetWindowTextW(window, title.data(), length + 1)));
        RECT rect{};
        ::GetWindowRect(window, &rect);
        ShareableTarget target;
        target.kind = ShareableTarget::Kind::Window;
        target.id = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(window));
        target.name = narrow(title);
        target.geometry = {rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top};
        list->push_back(std::move(target));
        return TRUE;
      },
      reinterpret_cast<LPARAM>(&out));
  return out;
}

}  // namespace parley::media

#endif  // defined(_WIN32)
