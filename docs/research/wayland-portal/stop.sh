#!/bin/bash
# Stop everything start.sh started, by PID (reverse order), plus anything D-Bus activated by our private bus.
S=/tmp/wayland-spike
dbus_pid=$(awk '$1=="dbus"{print $2}' $S/pids)
activated=$(ps -o pid= --ppid "$dbus_pid" 2>/dev/null)
for pid in $(tac $S/pids | awk '{print $2}') $activated; do kill "$pid" 2>/dev/null && echo "stopped $pid"; done
sleep 0.5
for pid in $(awk '{print $2}' $S/pids) $activated; do
  if [ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status; then kill -9 "$pid"; echo "SIGKILL $pid"; fi
done
