#!/usr/bin/env bash
# Installs the Debian 12 packages Parley needs to build, test and demo.
# Sourced by scripts/test, scripts/demo and scripts/bench; idempotent: it only
# calls apt-get when a package is missing.

PARLEY_BUILD_PACKAGES=(
  cmake ninja-build ccache g++ pkg-config git
  clang libclang-rt-14-dev
  libasio-dev libssl-dev openssl libsqlite3-dev libsodium-dev
  # the server's shared store (PostgreSQL client library)
  libpq-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  protobuf-compiler libprotobuf-dev nlohmann-json3-dev
  catch2 qt6-base-dev
  # the desktop client: keychain, SVG icons, translations (lupdate/lrelease)
  qtkeychain-qt6-dev qt6-svg-dev libqt6svg6 qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  # the desktop client's sound devices and camera (Qt Multimedia; its GStreamer
  # backend finds cameras through v4l2src, in plugins-good)
  qt6-multimedia-dev libqt6multimedia6 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libcurl4-openssl-dev duktape-dev libkrb5-dev
  # media: voice, video, screen capture, SRTP, echo cancellation, PNG frames
  libopus-dev libvpx-dev libsrtp2-dev libwebrtc-audio-processing-dev libspeexdsp-dev libpng-dev
  # peer-to-peer paths: ICE (STUN, TURN) for two-person rooms
  libnice-dev
  # screen sharing: the list of windows to share (media/video/screen_capture_x11.cpp)
  libx11-dev
  libavdevice-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  # screen sharing on Wayland: the desktop portal over GDBus, PipeWire (the
  # portal's stream; docs/adr/0018); the desktop client as a native Wayland
  # application (Qt's wayland platform plugin); the test desktop's
  # xdg-desktop-portal-wlr shim (tests/support/xdpw_shm_shim.c)
  libglib2.0-dev libpipewire-0.3-dev qt6-wayland libwayland-dev
  # the screen capture benchmark's own Wayland window (xdg-shell:
  # tests/bench/screen_capture_bench.cpp)
  wayland-protocols
)

# Tools the test suite drives (real peers, not mocks).
PARLEY_TEST_PACKAGES=(
  procps python3
  # speech to send and measure (media tests)
  espeak-ng sox
  # GUI screenshots under a virtual X server (docs/screenshots)
  xvfb xauth
  # the network lab (tests/lab): real proxies, a KDC, names, firewall rules
  iproute2 nftables curl squid-openssl dante-server microsocks dnsmasq-base
  krb5-kdc krb5-admin-server krb5-user
  # TURN for the peer-to-peer lab tests
  coturn
  # the PostgreSQL store's tests run against a real server of their own
  postgresql
  # the desktop client's device pickers and hot-plug are tested against a
  # real sound server of their own (null sinks plugged in and out)
  pulseaudio pulseaudio-utils
  # the lab's delay element (tests/bench/netdelay): NFQUEUE through iptables
  iptables libnetfilter-queue-dev
  # the lab's impairment check measures loss and jitter with ping (tests/lab/impair.py)
  iputils-ping
  # screen sharing through the portal, on a private headless Wayland desktop
  # (tests/support/wayland_desktop.h): compositor and background, portal and
  # its wlroots backend, PipeWire with its session manager, screenshots, a
  # session bus, and gdbus to ask the portal
  sway swaybg xdg-desktop-portal xdg-desktop-portal-wlr pipewire pipewire-bin wireplumber
  libspa-0.2-modules grim dbus libglib2.0-bin
)

# Building and checking the installers (scripts/package, tests/installer).
PARLEY_PACKAGE_PACKAGES=(
  dpkg-dev file lintian appstream desktop-file-utils debootstrap systemd
  libcap2-bin util-linux
)

parley_missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s\n' "$pkg"
    fi
  done
}

parley_install_packages() {
  local missing
  mapfile -t missing < <(parley_missing_packages "$@")
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "parley: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "parley: need root or sudo to install: ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo -n)
    [ -t 0 ] && sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || return 1
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null || return 1
}

parley_install_deps() {
  parley_install_packages "${PARLEY_BUILD_PACKAGES[@]}" "${PARLEY_TEST_PACKAGES[@]}" \
    "${PARLEY_PACKAGE_PACKAGES[@]}" "$@"
}

# Prints the prefix of scripts/linux-deps' libsrtp2 with OpenSSL's AES-GCM
# (docs/adr/0016-libsrtp2-with-openssl.md), building it the first time (about
# a minute), for cmake -DPARLEY_LINUX_DEPS_PREFIX=. When it cannot be built
# (no network to Debian's source archive, no root for the deb-src entry) it
# prints nothing and says so in one line on stderr: the build then uses
# Debian's libsrtp2 (NSS), slower per packet but the same protocol. Never
# fails the caller.
parley_linux_deps_prefix() {
  local root out
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if out=$("$root/scripts/linux-deps" 2>&1 </dev/null); then
    # Its progress lines (a build, the first time), then the prefix.
    sed '$d' <<<"$out" >&2
    tail -n 1 <<<"$out"
  else
    echo "parley: building against Debian's libsrtp2 (NSS) instead of one with OpenSSL:" \
      "$(tail -n 1 <<<"$out" | sed 's/^linux-deps: //')" >&2
  fi
}

# cmake "$@" with its progress out of sight (the scripts' >/dev/null), except
# the one line saying which libsrtp2 the build links (cmake/ParleySrtp2.cmake).
# Errors still go to stderr; the status is cmake's.
parley_cmake_configure() {
  local out rc=0
  out=$(cmake "$@") || rc=$?
  grep '^-- SRTP:' <<<"$out" || true
  return "$rc"
}
