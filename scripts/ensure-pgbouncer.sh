#!/usr/bin/env bash
# Makes sure the pgbouncer binary is installed for the tests that run PostgreSQL behind PgBouncer in
# transaction mode (TestPgBouncer starts its own pgbouncer process per test, on a free port).
# Installs Debian's pgbouncer with apt when missing; the system service the package may start is
# stopped and disabled again, since the tests never use it.
set -euo pipefail

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$PATH:/usr/sbin"

if command -v pgbouncer >/dev/null 2>&1; then
  echo "PgBouncer: $(pgbouncer --version | head -1) installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "PgBouncer: not installed and no apt-get here; install pgbouncer yourself (the tests behind PgBouncer need it)" >&2
  exit 1
fi
echo "PgBouncer: not installed, installing pgbouncer with apt"
sudo_if_needed apt-get update -qq
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  sudo_if_needed systemctl disable --now pgbouncer >/dev/null 2>&1 || true
fi
if ! command -v pgbouncer >/dev/null 2>&1; then
  echo "PgBouncer: could not be installed; install pgbouncer yourself" >&2
  exit 1
fi
echo "PgBouncer: $(pgbouncer --version | head -1) installed"
