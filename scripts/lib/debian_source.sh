#!/usr/bin/env bash
# Builds libraries from Debian's own source packages (`apt-get source`) into a
# prefix, each once per machine and version. Sourced by scripts/windows-deps
# (the Windows cross build) and scripts/linux-deps (libsrtp2 with OpenSSL).
#
# The caller sets, before calling build_newest:
#   deps_tool        the name its messages start with (windows-deps, ...)
#   cache            logs/ and build/ go under it
#   stamps           one file <source>_<version>[+r<revision>] per built package
#   recipe_revision  (associative array, may be empty) a recipe whose options
#                    change gets a revision, so the cache rebuilds it once
#   built            counts the packages built in this run
#   build_<source>   the recipe: runs in the unpacked tree, gets source and version
# and may set source_fetch_timeout (seconds for one `apt-get source`; default
# 1800: Qt's tarballs are large).
# shellcheck disable=SC2154 # deps_tool, cache, stamps: set by the caller, above

# Root's commands: sudo when not root, without a prompt when nobody can
# answer one (CI, no terminal).
debian_source_sudo=()
if [ "$(id -u)" -ne 0 ]; then
  debian_source_sudo=(sudo -n)
  [ -t 0 ] && debian_source_sudo=(sudo)
fi

# Options that keep apt's downloads bounded when the archive is unreachable.
debian_source_apt_options=(-o Acquire::Retries=1 -o Acquire::http::Timeout=20
  -o Acquire::https::Timeout=20)

# deb-src entries for Debian 12 on deb.debian.org (bookworm, its updates and
# security suites), once. Fails (after at most two minutes) when the entries
# cannot be written or no source index comes of them; the entries are then
# removed, so the next run tries again. apt-get update exits 0 even when it
# could not fetch an index, so what counts is whether apt knows a source.
debian_source_index_ready() {
  [ -n "$(apt-cache showsrc --only-source libsrtp2 2>/dev/null | head -n 1)" ]
}

ensure_deb_src() {
  local list=/etc/apt/sources.list.d/parley-deb-src.sources
  if [ -f "$list" ] && debian_source_index_ready; then
    return 0
  fi
  echo "$deps_tool: adding Debian source entries ($list)"
  "${debian_source_sudo[@]}" tee "$list" >/dev/null <<'SOURCES' || return 1
# Added by Parley's scripts/windows-deps and scripts/linux-deps: source
# packages to build libraries Debian ships differently (docs/adr/0016).
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  if ! timeout 120 "${debian_source_sudo[@]}" apt-get "${debian_source_apt_options[@]}" \
    update -qq </dev/null || ! debian_source_index_ready; then
    # Written but never read: the next run tries again.
    "${debian_source_sudo[@]}" rm -f "$list"
    return 1
  fi
}

# The versions of a source package the archive lists, newest first (in
# Debian's ordering, by way of dpkg).
source_versions() {
  local sorted=() v i
  while read -r v; do
    i=${#sorted[@]}
    sorted+=("$v")
    while [ "$i" -gt 0 ] && dpkg --compare-versions "$v" gt "${sorted[i - 1]}"; do
      sorted[i]=${sorted[i - 1]}
      i=$((i - 1))
    done
    sorted[i]=$v
  done < <(apt-cache showsrc --only-source "$1" 2>/dev/null | awk '/^Version:/ {print $2}' | sort -u)
  if [ "${#sorted[@]}" -gt 0 ]; then
    printf '%s\n' "${sorted[@]}"
  fi
}

stamp_of() {
  local revision=${recipe_revision[$1]:-}
  echo "$stamps/$1_$2${revision:++r$revision}"
}

# Downloads and unpacks one version into $3; fails when the archive does not
# have its files (a security update's sources can lag behind its binaries) or
# cannot be reached within source_fetch_timeout.
fetch_source() {
  local pkg=$1 version=$2 work=$3
  rm -rf "$work"
  mkdir -p "$work"
  (cd "$work" && timeout "${source_fetch_timeout:-1800}" apt-get "${debian_source_apt_options[@]}" \
    source -qq --only-source "$pkg=$version" </dev/null) >>"$cache/logs/${pkg}.log" 2>&1
}

build_package() {
  local pkg=$1 version=$2 work=$3
  # Never called as a condition (`if`, `||`): errexit is off in everything
  # such a call runs, subshells included, and a recipe must stop at its first
  # failure.
  (
    set -euo pipefail
    dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
    [ -n "$dir" ] || { echo "no unpacked source in $work"; exit 1; }
    cd "$dir"
    "build_$pkg" "$pkg" "$version"
  ) >>"$cache/logs/${pkg}.log" 2>&1
}

# Builds the newest version of $1 whose sources the archive has, unless that
# version is built already.
build_newest() {
  local pkg=$1 version work started took
  while read -r version; do
    if [ -e "$(stamp_of "$pkg" "$version")" ]; then
      return 0
    fi
    work=$cache/build/${pkg}_$version
    : >"$cache/logs/${pkg}.log"
    if ! fetch_source "$pkg" "$version" "$work"; then
      echo "$deps_tool: $pkg $version: the archive has no sources for it; trying an older version"
      continue
    fi
    echo "$deps_tool: building $pkg $version"
    started=$(date +%s)
    set +e
    build_package "$pkg" "$version" "$work"
    local status=$?
    set -e
    if [ "$status" -ne 0 ]; then
      echo "$deps_tool: $pkg $version failed; its log: $cache/logs/${pkg}.log" >&2
      tail -n 20 "$cache/logs/${pkg}.log" >&2
      return 1
    fi
    took=$(($(date +%s) - started))
    rm -f "$stamps/${pkg}_"*  # an older version's stamp
    echo "$took" >"$(stamp_of "$pkg" "$version")"
    rm -rf "$work"
    echo "$deps_tool: $pkg $version built in ${took}s"
    built=$((built + 1))
    return 0
  done < <(source_versions "$pkg")
  echo "$deps_tool: Debian has no downloadable source package '$pkg'" >&2
  return 1
}

# For a static library's users: what its .pc keeps for static linking
# (Libs.private: OpenSSL's libcrypto for libsrtp2) goes to Libs, so that
# pkg-config without --static (CMake's IMPORTED_TARGET) links it after it.
pc_private_libs_to_libs() {
  local pc=$1 private
  private=$(sed -n 's/^Libs.private: *//p' "$pc")
  sed -i -e '/^Libs.private:/d' -e "s|^Libs: .*|& $private|" "$pc"
}
