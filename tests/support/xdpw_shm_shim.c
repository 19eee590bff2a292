/*
 * LD_PRELOAD shim for xdg-desktop-portal-wlr (xdpw) 0.7.0, Debian 12, on a compositor
 * without a GPU. WaylandDesktop (wayland_desktop.h) preloads it into xdpw; it is built
 * from tests/support/CMakeLists.txt without the build's sanitizer flags, because xdpw
 * itself is not instrumented and an ASan-built library cannot be preloaded into it.
 *
 * Why it exists: the test desktop's sway renders with pixman (no /dev/dri, no kernel
 * modules), so its wlr-screencopy offers SHM buffers only and never sends the
 * zwlr_screencopy_frame_v1.linux_dmabuf event. xdpw 0.7.0 then rejects every cast
 * ("unable to receive a valid format from wlr_screencopy", Start answers 2): its check
 * compares the *portal* interface version (4) where it means the screencopy protocol
 * version, so an SHM-only compositor can never pass it (upstream issue
 * emersion/xdg-desktop-portal-wlr#289; docs/research/wayland-portal/README.md).
 *
 * What it does: it wraps the screencopy frame listener so that each `buffer` (wl_shm)
 * event is followed by a synthetic `linux_dmabuf` event with the same format and size.
 * The compositor advertises no zwp_linux_dmabuf_v1 modifiers, so xdpw still offers
 * PipeWire the SHM format only and no DMA-BUF is ever allocated: the synthetic event
 * only gets xdpw past the check. Should a real linux_dmabuf event come (a GPU
 * machine), it arrives later and overrides ours.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

struct wl_proxy;
const char* wl_proxy_get_class(struct wl_proxy* proxy);

/* zwlr_screencopy_frame_v1_listener, version 3 layout (what xdpw 0.7.0 registers). */
struct frame_listener {
  void (*buffer)(void*, void*, uint32_t fmt, uint32_t w, uint32_t h, uint32_t stride);
  void (*flags)(void*, void*, uint32_t);
  void (*ready)(void*, void*, uint32_t, uint32_t, uint32_t);
  void (*failed)(void*, void*);
  void (*damage)(void*, void*, uint32_t, uint32_t, uint32_t, uint32_t);
  void (*linux_dmabuf)(void*, void*, uint32_t fourcc, uint32_t w, uint32_t h);
  void (*buffer_done)(void*, void*);
};
/* xdpw registers one listener for every frame; libwayland keeps the pointer. */
static struct frame_listener orig, patched;

static void buffer_wrap(void* data, void* frame, uint32_t fmt, uint32_t w, uint32_t h,
                        uint32_t stride) {
  orig.buffer(data, frame, fmt, w, h, stride);
  /* wl_shm format to DRM fourcc: 0 is ARGB8888, 1 is XRGB8888, the rest are fourccs. */
  uint32_t fourcc = fmt == 0 ? 0x34325241u : fmt == 1 ? 0x34325258u : fmt;
  if (orig.linux_dmabuf)
    orig.linux_dmabuf(data, frame, fourcc, w, h);
}

int wl_proxy_add_listener(struct wl_proxy* proxy, void (**implementation)(void), void* data) {
  static int (*real)(struct wl_proxy*, void (**)(void), void*);
  if (!real)
    real = (int (*)(struct wl_proxy*, void (**)(void), void*))dlsym(RTLD_NEXT,
                                                                    "wl_proxy_add_listener");
  if (strcmp(wl_proxy_get_class(proxy), "zwlr_screencopy_frame_v1") == 0) {
    memcpy(&orig, implementation, sizeof orig);
    patched = orig;
    patched.buffer = buffer_wrap;
    implementation = (void (**)(void))(&patched);
  }
  return real(proxy, implementation, data);
}
