#!/bin/bash
# swap-xdpw.sh [config]: replace the running xdpw (by its recorded PID) with one using another config
S=/tmp/wayland-spike; . $S/env.sh; . $S/run/env2.sh
old=$(awk '$1=="xdpw"{print $2}' $S/pids); [ -n "$old" ] && kill $old; sleep 0.3
setpriv --reuid=65534 --regid=65534 --clear-groups nice -n 10 env LD_PRELOAD=$S/shim/xdpw-shm-shim.so /usr/libexec/xdg-desktop-portal-wlr -l DEBUG ${1:+-c $1} >> $S/logs/xdpw.log 2>&1 &
new=$!; sed -i "/^xdpw /d" $S/pids; echo "xdpw $new" >> $S/pids; sleep 0.5; echo "xdpw $old -> $new"
