#!/usr/bin/env bash
# Makes sure Debian's Chromium and its matching chromedriver are installed, for the console's
# browser test (ConsoleBrowser). Idempotent: when both binaries are there it only prints their
# versions. Otherwise it installs the Debian packages chromium and chromium-driver with apt-get
# (as root, or through passwordless sudo), and exits 2 when it can do neither.
# Nothing is ever downloaded outside the distribution's package manager.
set -euo pipefail

chromium=/usr/bin/chromium
chromedriver=/usr/bin/chromedriver
packages=(chromium chromium-driver)
lock=/tmp/careledger-chromium.lock

installed() {
  [ -x "$chromium" ] && [ -x "$chromedriver" ]
}

versions() {
  echo "ensure-chromium: $("$chromium" --version 2>/dev/null || echo "$chromium (version unknown)")"
  echo "ensure-chromium: $("$chromedriver" --version 2>/dev/null || echo "$chromedriver (version unknown)")"
}

if installed; then
  versions
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  as_root=()
elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-chromium: $chromium and $chromedriver are missing, and this user can not install" \
    "them (not root, no passwordless sudo, or no apt-get)." >&2
  echo "ensure-chromium: install the Debian packages: ${packages[*]}" \
    "(e.g. sudo apt-get install --no-install-recommends ${packages[*]})" >&2
  exit 2
fi

# Two runs at once (two test JVMs, two checkouts) must not both drive apt-get.
exec 9>"$lock"
if ! flock -w 900 9; then
  echo "ensure-chromium: timed out waiting for $lock (another install still running?)" >&2
  exit 1
fi
# The run that held the lock may have installed them meanwhile.
if installed; then
  versions
  exit 0
fi

apt_install() {
  # Waits for dpkg's own lock too, should another apt-get be running on the machine.
  "${as_root[@]}" apt-get -qq -o DPkg::Lock::Timeout=300 update &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get -qq -y -o DPkg::Lock::Timeout=300 install --no-install-recommends "${packages[@]}" \
      >/dev/null
}

echo "ensure-chromium: installing ${packages[*]} with apt-get"
if ! apt_install; then
  echo "ensure-chromium: apt-get failed; retrying once" >&2
  sleep 5
  apt_install
fi

if ! installed; then
  echo "ensure-chromium: apt-get finished but $chromium or $chromedriver is still missing" >&2
  exit 1
fi
versions

# Smoke: the browser starts headless and renders a page (in a profile of its own, then removed).
profile=$(mktemp -d /tmp/careledger-chromium-smoke.XXXXXX)
trap 'rm -rf "$profile"' EXIT
if ! timeout 60 "$chromium" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --no-first-run --disable-background-networking --user-data-dir="$profile" \
  --dump-dom about:blank 2>/dev/null | grep -q '<body'; then
  echo "ensure-chromium: warning: headless smoke test of $chromium did not render about:blank" >&2
fi
