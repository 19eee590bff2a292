#!/usr/bin/env bash
# Package contents and metadata: dpkg-deb -I/-c, lintian (no errors), the
# desktop file, the AppStream metainfo and the systemd unit.
#   check_metadata.sh PACKAGE_DIR
set -euo pipefail
dir=$1
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

one() {  # exactly one package matching the pattern
  # shellcheck disable=SC2206 # $1 is a glob on purpose
  local found=("$dir"/$1)
  if [ "${#found[@]}" -ne 1 ] || [ ! -f "${found[0]}" ]; then
    echo "FAIL: want exactly one $dir/$1, found: ${found[*]}" >&2
    exit 1
  fi
  echo "${found[0]}"
}
server=$(one 'parleyd_*.deb')
client=$(one 'parley_*.deb')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { dpkg-deb -f "$1" "$2"; }

# --- control fields -----------------------------------------------------------
for deb in "$server" "$client"; do
  dpkg-deb -I "$deb" >/dev/null || bad "dpkg-deb -I $deb"
  for f in Package Version Architecture Maintainer Description Depends Section; do
    [ -n "$(field "$deb" $f)" ] || bad "$(basename "$deb"): no $f field"
  done
done
[ "$(field "$server" Package)" = parleyd ] || bad "server package is not named parleyd"
[ "$(field "$client" Package)" = parley ] || bad "client package is not named parley"
[ "$(field "$server" Version)" = "$(field "$client" Version)" ] || bad "versions differ"
# dpkg-shlibdeps must have found the libraries the binaries link.
server_deps=$(field "$server" Depends)
# Package names of a Depends field, one a line (versions and alternatives cut).
names() { tr ',|' '\n' <<<"$1" | sed 's/(.*//; s/ //g' | sed '/^$/d'; }
depends_on() { names "$1" | grep -qxF "$2"; }
for lib in adduser libc6 libssl3 libsqlite3-0 libsodium23 libprotobuf32 libstdc++6; do
  depends_on "$server_deps" $lib || bad "parleyd Depends lacks $lib: $server_deps"
done
client_deps=$(field "$client" Depends)
# libduktape207: parley-pac-helper, the PAC evaluator.
for lib in libc6 libssl3 libprotobuf32 libstdc++6 libduktape207; do
  depends_on "$client_deps" $lib || bad "parley Depends lacks $lib: $client_deps"
done
client_files=$(dpkg-deb -c "$client")
if grep -qE '\./usr/bin/parley$' <<<"$client_files"; then
  for lib in libqt6widgets6 libqt6svg6; do
    depends_on "$client_deps" $lib || bad "parley (GUI) Depends lacks $lib: $client_deps"
  done
fi

# --- contents -------------------------------------------------------------------
dpkg-deb -c "$server" >"$work/server.list"
dpkg-deb -c "$client" >"$work/client.list"
expect() {  # LIST MODE PATH
  grep -qE "^$2 root/root .* \./${3#/}\$" "$1" || bad "$(basename "$1" .list) package lacks $2 $3"
}
expect "$work/server.list" -rwxr-xr-x /usr/bin/parleyd
expect "$work/server.list" -rw-r--r-- /lib/systemd/system/parleyd.service
expect "$work/server.list" -rw-r--r-- /usr/share/doc/parleyd/copyright
expect "$work/server.list" -rw-r--r-- /usr/share/doc/parleyd/changelog.gz
expect "$work/server.list" -rw-r--r-- /usr/share/doc/parleyd/server-admin.md
expect "$work/client.list" -rwxr-xr-x /usr/bin/parley-cli
expect "$work/client.list" -rwxr-xr-x /usr/bin/parley-pac-helper
expect "$work/client.list" -rw-r--r-- /usr/share/man/man1/parley-cli.1.gz
expect "$work/client.list" -rw-r--r-- /usr/share/man/man1/parley-pac-helper.1.gz
expect "$work/server.list" -rw-r--r-- /usr/share/man/man8/parleyd.8.gz
expect "$work/client.list" -rw-r--r-- /usr/share/applications/org.parley.Parley.desktop
expect "$work/client.list" -rw-r--r-- /usr/share/metainfo/org.parley.Parley.metainfo.xml
expect "$work/client.list" -rw-r--r-- /usr/share/icons/hicolor/scalable/apps/org.parley.Parley.svg
expect "$work/client.list" -rw-r--r-- /usr/share/doc/parley/copyright
# Config and state are made by postinst, never shipped (they would be
# replaced on upgrade and are secrets).
if grep -qE '\./(etc|var)/' "$work/server.list"; then bad "parleyd ships files in /etc or /var"; fi
# The binaries are stripped.
dpkg-deb -x "$server" "$work/server"
dpkg-deb -x "$client" "$work/client"
for binary in "$work/server/usr/bin/parleyd" "$work/client/usr/bin/parley-cli" \
  "$work/client/usr/bin/parley-pac-helper"; do
  kind=$(file "$binary")
  if grep -q 'not stripped' <<<"$kind" || ! grep -q 'stripped' <<<"$kind"; then
    bad "$binary is not stripped: $kind"
  fi
done
# Maintainer scripts are there and executable.
dpkg-deb -e "$server" "$work/server-control"
for s in postinst prerm postrm; do
  [ -x "$work/server-control/$s" ] || bad "parleyd has no executable $s"
  sh -n "$work/server-control/$s" || bad "$s is not valid sh"
done

# --- lintian: errors fail, warnings are shown --------------------------------------
lintian_rc=0
lintian --no-cfg --fail-on error "$server" "$client" >"$work/lintian.txt" 2>&1 || lintian_rc=$?
grep -v 'running with root privileges' "$work/lintian.txt" || true
if [ "$lintian_rc" -ne 0 ] || grep -q '^E:' "$work/lintian.txt"; then
  bad "lintian reports errors (exit $lintian_rc)"
fi

# --- desktop integration ---------------------------------------------------------------
desktop-file-validate "$work/client/usr/share/applications/org.parley.Parley.desktop" ||
  bad "desktop-file-validate"
appstreamcli validate --no-net "$work/client/usr/share/metainfo/org.parley.Parley.metainfo.xml" ||
  bad "appstreamcli validate"

# --- the systemd unit ---------------------------------------------------------------------
unit="$work/server/lib/systemd/system/parleyd.service"
for setting in 'User=parleyd' 'AmbientCapabilities=CAP_NET_BIND_SERVICE' \
  'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
  'StateDirectory=parleyd' 'ExecStart=/usr/bin/parleyd run --config /etc/parleyd/parleyd.toml'; do
  grep -qx "$setting" "$unit" || bad "unit lacks $setting"
done
if command -v systemd-analyze >/dev/null; then
  # The host's units and targets, the package's binary: ExecStart= points
  # into the unpacked package so that verify can check it is executable.
  mkdir -p "$work/unit"
  sed "s|^ExecStart=/usr/bin/parleyd|ExecStart=$work/server/usr/bin/parleyd|" "$unit" \
    >"$work/unit/parleyd.service"
  if ! out=$(systemd-analyze verify --man=no "$work/unit/parleyd.service" 2>&1); then
    bad "systemd-analyze verify: $out"
  elif [ -n "$out" ]; then
    echo "systemd-analyze verify: $out"
    grep -qiE 'unknown|invalid|failed' <<<"$out" && bad "systemd-analyze verify: $out"
  fi
fi

[ "$fail" -eq 0 ] && echo "package metadata: all checks passed"
exit "$fail"
