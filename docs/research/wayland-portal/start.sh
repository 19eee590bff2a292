#!/bin/bash
# Start a private headless Wayland + portal + PipeWire session as the (unprivileged) caller.
# Prereq (as root): fresh $XDG_RUNTIME_DIR, mode 700, owned by the test uid. Records "name pid" in $S/pids.
set -u
. /tmp/wayland-spike/env.sh
S=/tmp/wayland-spike
L=$S/logs
: > $S/pids
t0=$(date +%s%N)
ts() { printf '%6dms %s\n' $(( ($(date +%s%N) - t0) / 1000000 )) "$*"; }
waitfor() { # waitfor <desc> <cmd...>  (polls every 50 ms, gives up after 200 tries)
  local d=$1; shift; for i in $(seq 200); do "$@" >/dev/null 2>&1 && { ts "$d ready"; return 0; }; sleep 0.05; done
  ts "TIMEOUT waiting for $d"; return 1; }
bg() { local name=$1; shift; nice -n 10 "$@" >$L/$name.log 2>&1 & echo "$name $!" >> $S/pids; }
has_name() { gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus -m org.freedesktop.DBus.NameHasOwner "$1" | grep -q true; }

# 1. private session bus (custom config: no activation of system-installed services)
bg dbus dbus-daemon --config-file=$S/dbus-session.conf --nofork --nopidfile
waitfor dbus test -S $XDG_RUNTIME_DIR/bus

# 2. sway: headless backend, pixman renderer, one 1280x720 output
bg sway sway -c $XDG_CONFIG_HOME/sway/config -d
waitfor sway-ipc bash -c "ls $XDG_RUNTIME_DIR/sway-ipc.*.sock"
export SWAYSOCK=$(ls $XDG_RUNTIME_DIR/sway-ipc.*.sock)
export WAYLAND_DISPLAY=$(cd $XDG_RUNTIME_DIR && ls wayland-* | grep -v lock | head -1)
waitfor sway-output bash -c "swaymsg -t get_outputs | grep -q '\"width\": 1280'"
ts "WAYLAND_DISPLAY=$WAYLAND_DISPLAY SWAYSOCK=$SWAYSOCK"

# 3. pipewire + wireplumber
bg pipewire pipewire
waitfor pipewire test -S $XDG_RUNTIME_DIR/pipewire-0
if [ "${NO_WP:-}" != 1 ]; then
  bg wireplumber wireplumber
  waitfor wireplumber bash -c "pw-cli ls Client | grep -qi wireplumber"
fi

# 4. permission store (restore tokens), portal backend (wlr), portal frontend
bg permstore /usr/libexec/xdg-permission-store --replace
waitfor permstore has_name org.freedesktop.impl.portal.PermissionStore
if [ "${NO_XDPW:-}" != 1 ]; then
  bg xdpw env ${XDPW_SHIM:+LD_PRELOAD=$S/shim/xdpw-shm-shim.so} /usr/libexec/xdg-desktop-portal-wlr -l ${XDPW_LOG:-DEBUG} ${XDPW_CONFIG:+-c $XDPW_CONFIG}
  waitfor xdpw has_name org.freedesktop.impl.portal.desktop.wlr
fi
if [ "${NO_XDP:-}" != 1 ]; then
  bg xdp /usr/libexec/xdg-desktop-portal -v
  waitfor xdg-desktop-portal has_name org.freedesktop.portal.Desktop
fi
{ echo "export WAYLAND_DISPLAY=$WAYLAND_DISPLAY"; echo "export SWAYSOCK=$SWAYSOCK"; } > $S/run/env2.sh
ts "all up"
