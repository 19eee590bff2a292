#!/usr/bin/env bash
# Every program prints the same version, and it is the one the build wrote
# into app/version.h (refreshed from git by every build, see
# cmake/ParleyVersion.cmake).
#   check_versions.sh VERSION_HEADER PROGRAM...
set -euo pipefail
header=$1
shift
want=$(sed -n 's/.*kVersion = "\(.*\)";.*/\1/p' "$header")
[ -n "$want" ] || { echo "FAIL: no kVersion in $header" >&2; exit 1; }
fail=0
for program in "$@"; do
  got=$(QT_QPA_PLATFORM=offscreen "$program" --version 2>/dev/null | head -1)
  # "parleyd 0.1.0+git46.g92580dfaca", "Parley 0.1.0+...": a name, the version.
  if [ "${got##* }" != "$want" ]; then
    echo "FAIL: $program --version printed '$got', want version $want" >&2
    fail=1
  else
    echo "$got"
  fi
done
exit "$fail"
