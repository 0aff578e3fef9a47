#!/usr/bin/env bash
# Makes sure Debian's chromium is installed: the test of the admin port's /topology page
# (TopologyPageIT) draws it in chromium, headless, and fails without it. Installs the package with
# apt when missing (as root, or through sudo).
set -euo pipefail

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
installed() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }

if installed; then
  echo "Chromium: installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium: not installed and no apt-get here; install chromium yourself (the /topology page test needs it)" >&2
  exit 1
fi
echo "Chromium: not installed, installing chromium with apt"
sudo_if_needed apt-get update -qq
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
if ! installed; then
  echo "Chromium: apt-get installed no chromium command; install Debian's chromium package yourself" >&2
  exit 1
fi
echo "Chromium: installed"
