#!/usr/bin/env bash
# Makes sure Debian's libfaketime is installed, for the resilience suite's clock-skew scenario (a
# node started with its clock five minutes off through LD_PRELOAD). Idempotent: prints the
# library's path when it is there; otherwise installs the Debian package faketime with apt-get (as
# root, or through passwordless sudo), and exits 2 when it can do neither.
set -euo pipefail
packages=(faketime)
lock=/tmp/careledger-faketime.lock

find_lib() {
  local lib
  for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
    [ -f "$lib" ] && { echo "$lib"; return 0; }
  done
  return 1
}

find_lib && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  as_root=()
elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-faketime: libfaketime is missing and this user can not install it" \
    "(not root, no passwordless sudo, or no apt-get): install the Debian package faketime" >&2
  exit 2
fi

exec 9>"$lock"
flock -w 900 9 || { echo "ensure-faketime: timed out waiting for $lock" >&2; exit 1; }
find_lib && exit 0

apt_install() {
  "${as_root[@]}" apt-get -qq -o DPkg::Lock::Timeout=300 update &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get -qq -y -o DPkg::Lock::Timeout=300 install --no-install-recommends "${packages[@]}" \
      >/dev/null
}
echo "ensure-faketime: installing ${packages[*]} with apt-get" >&2
apt_install || { echo "ensure-faketime: apt-get failed; retrying once" >&2; sleep 5; apt_install; }
find_lib || { echo "ensure-faketime: apt-get finished but libfaketime.so.1 is still missing" >&2; exit 1; }
