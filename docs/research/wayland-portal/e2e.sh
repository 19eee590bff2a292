#!/bin/bash
# End-to-end: start stack, cast twice (first + second session), check frames equal the on-screen image, stop.
S=/tmp/wayland-spike; cd $S
T0=$(date +%s%N)
XDPW_SHIM=${XDPW_SHIM-1} ./up.sh || { ./stop.sh; exit 1; }
. ./env.sh; . ./run/env2.sh
rc=0
for i in 1 2; do
  echo "--- cast session $i"
  rm -f frames/cframe-*
  ./run-as-test-user.sh /usr/bin/python3 screencast.py --grabber c --frames 30 --expect $S/test.ppm --expect-bg $S/test.png \
     | grep -E 'version=|-> response|streams:|OpenPipeWire|FORMAT|FRAME|MATCH|TIMEOUT|nudge|FAIL|RESULT' || rc=1
  [ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
echo "--- CPU seconds used by the stack (utime+stime):"
while read name pid; do [ -r /proc/$pid/stat ] && awk -v n=$name '{printf "  %-12s %.2f s\n", n, ($14+$15)/100}' /proc/$pid/stat; done < pids
./stop.sh
echo "e2e total: $(( ($(date +%s%N) - T0) / 1000000 )) ms, rc=$rc"
exit $rc
