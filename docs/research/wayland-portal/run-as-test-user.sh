#!/bin/bash
# Run a command as the unprivileged test uid (sway refuses to run as root). Keeps the environment.
exec setpriv --reuid=${TEST_UID:-65534} --regid=${TEST_UID:-65534} --clear-groups "$@"
