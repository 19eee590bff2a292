#!/bin/bash
# As root: fresh runtime dir owned by the test uid, then start.sh as that uid.
S=/tmp/wayland-spike; TEST_UID=${TEST_UID:-65534}
rm -rf $S/run && mkdir -m 700 $S/run && chown $TEST_UID:$TEST_UID $S/run
for d in home data state cache frames logs; do mkdir -p $S/$d; chown -R $TEST_UID:$TEST_UID $S/$d; done
touch $S/pids && chown $TEST_UID $S/pids
exec setpriv --reuid=$TEST_UID --regid=$TEST_UID --clear-groups $S/start.sh
