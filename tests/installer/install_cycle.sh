#!/usr/bin/env bash
# Installs the packages into a fresh Debian 12 root and runs the whole life
# cycle with dpkg inside it (maintainer scripts included):
#   install -> every file of the packages present -> the same version from
#   every binary -> the PAC helper runs (and its limits hold) -> a user added -> parleyd started as the systemd unit would
#   (user parleyd, only CAP_NET_BIND_SERVICE, read-only root but
#   /var/lib/parleyd) and listening on 443 and 5228; refused without the
#   capability -> upgrade keeps config, keys and accounts -> remove keeps them
#   -> reinstall does not re-initialise -> purge deletes them.
#
#   install_cycle.sh PACKAGE_DIR CACHE_DIR
#
# The root comes from debootstrap (minbase + the packages' dependencies),
# cached as a tarball in CACHE_DIR, so only the first run downloads. The
# cycle runs in its own mount, network and UTS namespaces: ports 443 and
# 5228 are bound in a network namespace this test created, not on the host.
set -euo pipefail

pkg_dir=$(cd "$1" && pwd)
cache_dir=$2
mirror=${PARLEY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

one() {
  # shellcheck disable=SC2206 # $1 is a glob on purpose
  local found=("$pkg_dir"/$1)
  if [ "${#found[@]}" -ne 1 ] || [ ! -f "${found[0]}" ]; then
    echo "FAIL: want exactly one $pkg_dir/$1, found: ${found[*]}" >&2
    exit 1
  fi
  echo "${found[0]}"
}
server=$(one 'parleyd_*.deb')
client=$(one 'parley_*.deb')

if [ "${PARLEY_INSIDE:-0}" != 1 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (chroot, namespaces)"; exit 77; }
  # --- the cached root ----------------------------------------------------------
  deps=$( (dpkg-deb -f "$server" Depends; echo ','; dpkg-deb -f "$client" Depends) |
    tr ',' '\n' | sed 's/|.*//; s/(.*//; s/ //g' | sed '/^$/d' | sort -u | paste -sd, -)
  # debootstrap resolves no virtual packages (libspdlog1.10-fmt9 is one):
  # name a real package that provides each.
  real_package() {
    local info
    info=$(apt-cache show "$1" 2>/dev/null || true)
    if grep -qx "Package: $1" <<<"$info"; then
      echo "$1"
    else
      info=$(apt-cache showpkg "$1" 2>/dev/null || true)
      awk '/^Reverse Provides:/ { f = 1; next } f && NF { print $1; exit }' <<<"$info"
    fi
  }
  deps=$(tr ',' '\n' <<<"$deps" | while read -r d; do real_package "$d"; done | sort -u | paste -sd, -)
  # Deeper down, libnice (peer paths) pulls in libsoup, glib-networking and
  # dconf-service, which needs "default-dbus-session-bus | dbus-session-bus":
  # virtual too, and debootstrap's dpkg stops there. dbus-x11 provides it.
  deps="$deps,dbus-x11"
  key=$(printf '%s\n%s\n' "$deps" "$mirror" | sha1sum | cut -c1-12)
  mkdir -p "$cache_dir"
  tarball="$cache_dir/bookworm-minbase-$key.tar"
  if [ ! -f "$tarball" ]; then
    echo "== debootstrap bookworm (minbase + $deps) into a cache: first run only"
    boot=$(mktemp -d "$cache_dir/boot.XXXXXX")
    if ! debootstrap --variant=minbase --include="$deps" bookworm "$boot" "$mirror" \
      >"$cache_dir/debootstrap.log" 2>&1; then
      tail -20 "$cache_dir/debootstrap.log" >&2
      rm -rf "$boot"
      echo "FAIL: debootstrap (log: $cache_dir/debootstrap.log)" >&2
      exit 1
    fi
    rm -rf "$boot"/var/cache/apt/archives/*.deb
    chmod 0755 "$boot"  # mktemp made it 0700: the root of the root must be 0755
    tar -C "$boot" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$boot"
  fi
  export PARLEY_INSIDE=1 PARLEY_ROOT_TARBALL=$tarball
  exec unshare --mount --net --uts --fork --propagation private "$0" "$@"
fi

# --- inside the namespaces -----------------------------------------------------------
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }
hostname parley-test.example.org

work=$(mktemp -d /tmp/parley-install-cycle.XXXXXX)
root="$work/root"
cleanup() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
  fi
  umount -R "$root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$root"
tar -C "$root" -xf "$PARLEY_ROOT_TARBALL"
chmod 0755 "$root"
mount -t proc proc "$root/proc"
cp "$server" "$client" "$root/tmp/"
in_root() { chroot "$root" "$@"; }
sha() { sha256sum "$root$1" | cut -d' ' -f1; }
version=$(dpkg-deb -f "$server" Version)

step "install both packages with dpkg (maintainer scripts run)"
in_root dpkg -i "/tmp/$(basename "$client")" "/tmp/$(basename "$server")"
in_root dpkg -s parley parleyd | grep -q '^Status: install ok installed' || fail "not installed"

step "every file the packages ship is installed, with its mode"
for deb in "$server" "$client"; do
  while read -r perms _owner _size _date _time path; do
    path=${path#.}
    path=${path%% -> *}
    [ "$path" = "/" ] && continue
    [ -e "$root$path" ] || [ -L "$root$path" ] || fail "$path missing after install"
    actual=$(stat -c %A "$root$path")
    [ "$actual" = "$perms" ] || fail "$path has mode $actual, package says $perms"
  done < <(dpkg-deb -c "$deb")
done
echo "all files present"

step "postinst: user, directories, first-time init"
in_root getent passwd parleyd >/dev/null || fail "no parleyd user"
check_owner() {  # PATH OWNER:GROUP MODE
  local got
  got=$(in_root stat -c '%U:%G %a' "$1") || fail "$1 missing"
  [ "$got" = "$2 $3" ] || fail "$1 is '$got', want '$2 $3'"
}
check_owner /etc/parleyd root:parleyd 750
check_owner /etc/parleyd/parleyd.toml root:parleyd 640
check_owner /etc/parleyd/server.key root:parleyd 640
check_owner /etc/parleyd/ca.key root:root 600
check_owner /etc/parleyd/ca.crt root:root 644
check_owner /var/lib/parleyd parleyd:parleyd 750
check_owner /var/lib/parleyd/parley.db parleyd:parleyd 600
grep -q '^path = "/var/lib/parleyd/parley.db"' "$root/etc/parleyd/parleyd.toml" ||
  fail "config does not point at /var/lib/parleyd"
openssl x509 -in "$root/etc/parleyd/server.crt" -noout -ext subjectAltName |
  grep -q 'parley-test.example.org' || fail "server certificate not issued for the host name"

step "network-requirements reads the installed config by default"
nr=$(in_root parleyd network-requirements --participants 3)
grep -qE '^\| 443 +\| TCP' <<<"$nr" || fail "no TCP 443 row: $nr"
grep -qE '^\| 5228 +\| UDP' <<<"$nr" || fail "no UDP 5228 row: $nr"
grep -q 'For 3 participants' <<<"$nr" || fail "no bandwidth plan: $nr"
echo "443/TCP, 5228/TCP+UDP and the bandwidth plan listed"

step "every binary prints the package's version"
want_version() {  # OUTPUT
  grep -qF "$version" <<<"$1" || fail "'$1' does not carry version $version"
  echo "$1"
}
want_version "$(in_root parleyd --version)"
want_version "$(in_root parley-cli --version)"
if [ -x "$root/usr/bin/parley" ]; then
  want_version "$(QT_QPA_PLATFORM=offscreen in_root parley --version 2>/dev/null)"
fi

step "parley-pac-helper evaluates a PAC script from the installed files"
pac_request() {  # SCRIPT URL HOST: the helper's stdin (net/proxy/pac_helper_protocol.h)
  # ASCII only: ${#x} counts characters, the helper wants bytes.
  printf 'PARLEY-PAC 1\n%d %d %d\n%s%s%s' "${#1}" "${#2}" "${#3}" "$1" "$2" "$3"
}
pac='function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".example.org") && shExpMatch(url, "https://*")) return "PROXY web-proxy:8088; SOCKS5 socks-server:1080; DIRECT";
  return "DIRECT";
}'
answer=$(pac_request "$pac" "https://parley.example.org:443/" "parley.example.org" |
  in_root /usr/bin/parley-pac-helper) || fail "parley-pac-helper failed: $answer"
[ "$answer" = "OK PROXY web-proxy:8088; SOCKS5 socks-server:1080; DIRECT" ] ||
  fail "parley-pac-helper answered '$answer'"
echo "$answer"
# Its limits hold in the installed system too: a script that never returns
# is stopped (CPU/wall-clock limit) and answers nothing.
rc=0
# The outer timeout only catches a helper whose limits failed: far above its
# own 10 s wall-clock alarm, so a busy machine cannot reach it.
answer=$(pac_request 'function FindProxyForURL(u, h) { for (;;) {} }' "https://a/" "a" |
  timeout 120 chroot "$root" /usr/bin/parley-pac-helper) || rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
  fail "an endless PAC script was not stopped by the helper's limits (exit $rc)"
fi
grep -q '^OK' <<<"$answer" && fail "an endless PAC script answered '$answer'"
echo "an endless script was stopped (exit $rc)"

step "an account, added as the service user"
as_service() {
  in_root setpriv --reuid=parleyd --regid=parleyd --init-groups "$@"
}
printf 'correct horse battery\n' | as_service parleyd user add alice --config /etc/parleyd/parleyd.toml
as_service parleyd user list --config /etc/parleyd/parleyd.toml | grep -qx alice || fail "alice missing"

# Starts parleyd the way parleyd.service does: its user and group, only
# CAP_NET_BIND_SERVICE (ambient, bounding set), no new privileges, the root
# read-only except the state directory (ProtectSystem=strict +
# StateDirectory=), a private /tmp. Sets server_pid.
start_like_unit() {  # CAPS ("+net_bind_service" or "-all")
  local caps=$1
  local unit="$root/lib/systemd/system/parleyd.service"
  local exec_start
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
  grep -qx 'User=parleyd' "$unit" || fail "unit: no User=parleyd"
  mkdir -p "$work/jail"
  mount --bind "$root" "$work/jail"
  mount -o remount,bind,ro "$work/jail"
  mount --bind "$root/var/lib/parleyd" "$work/jail/var/lib/parleyd"
  mount -t tmpfs tmpfs "$work/jail/tmp"
  rm -f "$root/var/lib/parleyd/ports.json"
  local cap_args=(--inh-caps=-all --ambient-caps=-all --bounding-set=-all)
  if [ "$caps" = "+net_bind_service" ]; then
    # shellcheck disable=SC2054 # commas belong to setpriv's capability lists
    cap_args=(--inh-caps=+net_bind_service --ambient-caps=+net_bind_service
      --bounding-set=-all,+net_bind_service)
  fi
  # shellcheck disable=SC2086
  chroot "$work/jail" setpriv --reuid=parleyd --regid=parleyd --init-groups \
    "${cap_args[@]}" --no-new-privs \
    $exec_start --ports-file /var/lib/parleyd/ports.json >"$work/server.log" 2>&1 &
  server_pid=$!
}
# Waits (bounded: generous, for a busy machine) until $server_pid has ended;
# false if it is still running at the deadline.
ended_within() {  # SECONDS
  local deadline=$((SECONDS + $1))
  while kill -0 "$server_pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
stop_like_unit() {
  kill -TERM "$server_pid"
  local rc=0
  ended_within 60 || { echo "parleyd still running 60 s after SIGTERM" >&2; return 1; }
  wait "$server_pid" || rc=$?
  server_pid=""
  umount "$work/jail/tmp" "$work/jail/var/lib/parleyd" "$work/jail"
  return "$rc"
}

step "parleyd starts from the installed files with the unit's settings"
ip link set lo up 2>/dev/null || true
start_like_unit +net_bind_service
# parleyd writes the ports file (atomically, by rename) once it listens;
# wait for that (or its exit), bounded generously for a busy machine.
deadline=$((SECONDS + 120))
while [ ! -s "$root/var/lib/parleyd/ports.json" ] && kill -0 "$server_pid" 2>/dev/null &&
  [ "$SECONDS" -lt "$deadline" ]; do
  sleep 0.1
done
if [ ! -s "$root/var/lib/parleyd/ports.json" ]; then
  cat "$work/server.log"
  fail "parleyd did not start (no ports file within 120 s, or it exited)"
fi
cat "$root/var/lib/parleyd/ports.json"
grep -q '"port":443' "$root/var/lib/parleyd/ports.json" || fail "not listening on 443"
grep -q '"port":5228' "$root/var/lib/parleyd/ports.json" || fail "not listening on 5228"
stop_like_unit || { cat "$work/server.log"; fail "parleyd did not stop cleanly on SIGTERM"; }
echo "started, listened on 443 and 5228, stopped on SIGTERM"

step "without CAP_NET_BIND_SERVICE it cannot bind 443 (the capability is what makes it work)"
start_like_unit -all
rc=0
# It must exit by itself; still running after a generous bound means it started.
if ! ended_within 120; then
  cat "$work/server.log"
  fail "parleyd started without the capability (still running after 120 s)"
fi
wait "$server_pid" || rc=$?
server_pid=""
umount "$work/jail/tmp" "$work/jail/var/lib/parleyd" "$work/jail"
[ "$rc" -ne 0 ] || fail "parleyd started without the capability"
grep -qi 'permission denied' "$work/server.log" || { cat "$work/server.log"; fail "unexpected failure"; }
echo "refused as expected: $(grep -i 'permission denied' "$work/server.log" | head -1)"

config_sum=$(sha /etc/parleyd/parleyd.toml)
ca_sum=$(sha /etc/parleyd/ca.crt)
key_sum=$(sha /etc/parleyd/server.key)

step "upgrade to a newer version keeps config, keys and accounts"
"$here/repack_version.sh" "$server" "$version.1" "$root/tmp/upgrade.deb"
in_root dpkg -i /tmp/upgrade.deb
# shellcheck disable=SC2016 # dpkg-query's own ${Version}
[ "$(in_root dpkg-query -W -f='${Version}' parleyd)" = "$version.1" ] || fail "upgrade not installed"
[ "$(sha /etc/parleyd/parleyd.toml)" = "$config_sum" ] || fail "upgrade changed the config"
[ "$(sha /etc/parleyd/ca.crt)" = "$ca_sum" ] || fail "upgrade changed the CA"
[ "$(sha /etc/parleyd/server.key)" = "$key_sum" ] || fail "upgrade changed the server key"
as_service parleyd user list --config /etc/parleyd/parleyd.toml | grep -qx alice || fail "upgrade lost alice"

step "remove keeps config, keys and accounts"
in_root dpkg -r parleyd
[ ! -e "$root/usr/bin/parleyd" ] || fail "parleyd still installed"
[ ! -e "$root/lib/systemd/system/parleyd.service" ] || fail "unit still installed"
[ "$(sha /etc/parleyd/parleyd.toml)" = "$config_sum" ] || fail "remove changed the config"
[ -s "$root/var/lib/parleyd/parley.db" ] || fail "remove deleted the store"

step "reinstall does not initialise again"
in_root dpkg -i "/tmp/$(basename "$server")"
[ "$(sha /etc/parleyd/ca.crt)" = "$ca_sum" ] || fail "reinstall made a new CA"
as_service parleyd user list --config /etc/parleyd/parleyd.toml | grep -qx alice || fail "reinstall lost alice"

step "purge deletes config and state"
in_root dpkg -P parleyd
[ ! -e "$root/etc/parleyd" ] || fail "/etc/parleyd survived purge"
[ ! -e "$root/var/lib/parleyd" ] || fail "/var/lib/parleyd survived purge"
in_root dpkg -P parley
[ ! -e "$root/usr/bin/parley-cli" ] || fail "parley-cli survived purge"
in_root dpkg -s parleyd >/dev/null 2>&1 && fail "parleyd still known to dpkg"

echo
echo "install cycle: all checks passed"
