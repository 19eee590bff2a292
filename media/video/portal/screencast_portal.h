#pragma once
// ScreenCastPortal: asks the desktop for a screen to share through the
// xdg-desktop-portal ScreenCast interface on the session bus
// (CreateSession, SelectSources, Start, OpenPipeWireRemote), the way every
// browser does on a Wayland desktop, where no application may read the
// screen by itself. The portal shows its own chooser; what it grants is a
// PipeWire node and a socket to reach it. GDBus on a private connection and
// a private main context (docs/adr/0018-wayland-screen-sharing.md): nothing
// here touches the process's default GLib context, which Qt may own.
//
// Closing the connection (the destructor) ends the portal session, so the
// desktop's "you are sharing" indicator goes away with the capture.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/base/result.h"

namespace parley::media {

struct PortalRequest {
  // Offer windows as well as monitors where the portal can cast them.
  bool allow_windows = true;
  // Draw the pointer into the frames (cursor_mode "embedded") where offered.
  bool embed_cursor = true;
  // A token from an earlier grant in this meeting: the portal may then skip
  // its chooser (ScreenCast version 4 and later; ignored before).
  std::string restore_token;
  // How long the person gets to answer the portal's chooser.
  std::chrono::seconds chooser_timeout{300};
  // Set (from any thread) to withdraw the question while the chooser is
  // open: the person stopped sharing, left or quit. start() then closes the
  // chooser and fails within a tenth of a second instead of waiting for it.
  std::shared_ptr<std::atomic<bool>> withdraw;
};

struct PortalGrant {
  int pipewire_fd = -1;  // owned by the caller once returned
  std::uint32_t node_id = 0;
  int width = 0;  // as the portal reports it; 0 when it does not
  int height = 0;
  // Empty when the portal offers no restore (version < 4).
  std::string restore_token;
  std::uint32_t portal_version = 0;
};

class ScreenCastPortal {
 public:
  // Connects to the session bus. CaptureFailed saying what is missing:
  // no session bus, no xdg-desktop-portal, or a portal without ScreenCast.
  static Result<std::unique_ptr<ScreenCastPortal>> connect();

  ~ScreenCastPortal();
  ScreenCastPortal(const ScreenCastPortal&) = delete;
  ScreenCastPortal& operator=(const ScreenCastPortal&) = delete;

  // Runs the portal's dialogue; blocks until the person chose (or the
  // chooser timeout, or `withdraw`). CaptureFailed when the person cancelled
  // ("cancelled" in the detail), the question was withdrawn ("withdrawn"),
  // the portal failed, or it granted no stream.
  Result<PortalGrant> start(const PortalRequest& request);

  // True once the portal said the session is over (the person pressed Stop
  // in the desktop's own indicator). Cheap; call it from the capture thread.
  bool sessionClosed();

  struct Impl;

 private:
  explicit ScreenCastPortal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
