#!/usr/bin/env bash
# `parleyd network-requirements` against a known config, in every format,
# compared with the golden files (the first line of the table names the
# config file, which depends on the checkout's path, and is compared apart).
#   check_network_requirements.sh PARLEYD GOLDEN_DIR
set -euo pipefail
parleyd=$1
golden=$2
config="$golden/known.toml"
fail=0
for format in table acl nft; do
  arg=$format
  [ "$format" = nft ] && arg=nftables
  actual=$("$parleyd" network-requirements --config "$config" --format "$arg" --participants 10)
  expected=$(cat "$golden/network_requirements.$format.txt")
  if [ "$format" = table ]; then
    first=$(head -1 <<<"$actual")
    [ "$first" = "Network requirements of parleyd ($(cd "$golden" && pwd)/known.toml)" ] ||
      { echo "FAIL: table header: $first" >&2; fail=1; }
    actual=$(printf 'Network requirements of parleyd\n%s' "$(tail -n +2 <<<"$actual")")
  fi
  if [ "$actual" != "$expected" ]; then
    echo "FAIL: --format $arg differs from $golden/network_requirements.$format.txt:" >&2
    diff <(echo "$expected") <(echo "$actual") >&2 || true
    fail=1
  fi
done
# A bad value is refused with the reason, not printed as a table.
if "$parleyd" network-requirements --config "$config" --participants 0 >/dev/null 2>&1; then
  echo "FAIL: --participants 0 accepted" >&2
  fail=1
fi
if "$parleyd" network-requirements --config /nonexistent/parleyd.toml >/dev/null 2>&1; then
  echo "FAIL: a missing config accepted" >&2
  fail=1
fi
if command -v nft >/dev/null && [ "$(id -u)" -eq 0 ]; then
  "$parleyd" network-requirements --config "$config" --format nftables | nft -c -f - ||
    { echo "FAIL: nft -c rejects the rule set" >&2; fail=1; }
fi
[ "$fail" -eq 0 ] && echo "network-requirements: golden output matches"
exit "$fail"
