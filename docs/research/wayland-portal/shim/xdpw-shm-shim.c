/*
 * LD_PRELOAD shim for xdg-desktop-portal-wlr 0.7.0 (Debian 12) on a GPU-less compositor.
 *
 * xdpw's start_screencast() rejects the cast ("unable to receive a valid format from
 * wlr_screencopy", Start -> response 2) when the compositor never sends the
 * zwlr_screencopy_frame_v1.linux_dmabuf event, which is always the case with
 * WLR_RENDERER=pixman.  The check compares the *portal* interface version (4) instead of
 * the screencopy protocol version, so SHM-only compositors can never pass it
 * (upstream issue emersion/xdg-desktop-portal-wlr#289).
 *
 * This shim wraps the screencopy frame listener: after each `buffer` (wl_shm) event it
 * also delivers a synthetic `linux_dmabuf` event with the same format and size.  Because the
 * compositor advertises no zwp_linux_dmabuf_v1 modifiers, xdpw still offers PipeWire only the
 * SHM format, so no DMA-BUF is ever allocated; the synthetic event only satisfies the check.
 * If the compositor does send a real linux_dmabuf event it arrives later and overwrites ours.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

struct wl_proxy;
const char *wl_proxy_get_class(struct wl_proxy *proxy);

struct frame_listener {                 /* zwlr_screencopy_frame_v1_listener, v3 layout */
	void (*buffer)(void *, void *, uint32_t fmt, uint32_t w, uint32_t h, uint32_t stride);
	void (*flags)(void *, void *, uint32_t);
	void (*ready)(void *, void *, uint32_t, uint32_t, uint32_t);
	void (*failed)(void *, void *);
	void (*damage)(void *, void *, uint32_t, uint32_t, uint32_t, uint32_t);
	void (*linux_dmabuf)(void *, void *, uint32_t fourcc, uint32_t w, uint32_t h);
	void (*buffer_done)(void *, void *);
};
static struct frame_listener orig, patched;

static void buffer_wrap(void *data, void *frame, uint32_t fmt, uint32_t w, uint32_t h, uint32_t stride) {
	orig.buffer(data, frame, fmt, w, h, stride);
	/* wl_shm format -> DRM fourcc: 0 = ARGB8888, 1 = XRGB8888, others are already fourccs */
	uint32_t fourcc = fmt == 0 ? 0x34325241u : fmt == 1 ? 0x34325258u : fmt;
	if (orig.linux_dmabuf)
		orig.linux_dmabuf(data, frame, fourcc, w, h);
}

int wl_proxy_add_listener(struct wl_proxy *proxy, void (**implementation)(void), void *data) {
	static int (*real)(struct wl_proxy *, void (**)(void), void *);
	if (!real)
		real = (int (*)(struct wl_proxy *, void (**)(void), void *))dlsym(RTLD_NEXT, "wl_proxy_add_listener");
	if (strcmp(wl_proxy_get_class(proxy), "zwlr_screencopy_frame_v1") == 0) {
		memcpy(&orig, implementation, sizeof orig);
		patched = orig;
		patched.buffer = buffer_wrap;
		implementation = (void (**)(void))&patched;
	}
	return real(proxy, implementation, data);
}
