#!/usr/bin/env bash
# Rebuilds a .deb with another version and nothing else changed, for the
# upgrade step of the install cycle.   repack_version.sh IN.deb VERSION OUT.deb
set -euo pipefail
in=$1 version=$2 out=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dpkg-deb -R "$in" "$dir/pkg"
sed -i "s/^Version: .*/Version: $version/" "$dir/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz -b "$dir/pkg" "$out" >/dev/null
