# Source this: private, self-contained session environment
S=/tmp/wayland-spike
export HOME=$S/home
export XDG_RUNTIME_DIR=$S/run
export XDG_CONFIG_HOME=$S/config
export XDG_DATA_HOME=$S/data
export XDG_STATE_HOME=$S/state
export XDG_CACHE_HOME=$S/cache
export XDG_CURRENT_DESKTOP=sway
export XDG_SESSION_TYPE=wayland
export XDG_DESKTOP_PORTAL_DIR=$S/portals
export DBUS_SESSION_BUS_ADDRESS=unix:path=$S/run/bus
export WLR_BACKENDS=headless
export WLR_HEADLESS_OUTPUTS=1
export WLR_LIBINPUT_NO_DEVICES=1
export WLR_RENDERER=pixman
unset DISPLAY WAYLAND_DISPLAY SWAYSOCK PIPEWIRE_REMOTE
