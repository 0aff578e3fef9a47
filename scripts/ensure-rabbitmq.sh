#!/usr/bin/env bash
# Makes sure a RabbitMQ broker answers on 127.0.0.1:5672 for the tests (no faithful
# in-JVM broker exists). Skipped when FLOWS_TEST_RABBITMQ points elsewhere. Starts an installed
# but stopped broker; installs it with apt when missing and we are root.
set -euo pipefail

if [ -n "${FLOWS_TEST_RABBITMQ:-}" ]; then
  echo "RabbitMQ: using FLOWS_TEST_RABBITMQ"
  exit 0
fi

reachable() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if reachable; then
  echo "RabbitMQ: up on 127.0.0.1:5672"
  exit 0
fi

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
  echo "RabbitMQ: not installed, installing rabbitmq-server with apt"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi

export PATH="$PATH:/usr/sbin"
if ! reachable; then
  echo "RabbitMQ: starting"
  sudo_if_needed rabbitmq-server -detached
  pid_file=/var/lib/rabbitmq/mnesia/rabbit@$(hostname -s).pid
  for _ in $(seq 1 60); do
    [ -f "$pid_file" ] && break
    sleep 1
  done
  sudo_if_needed rabbitmqctl wait --timeout 60 "$pid_file" >/dev/null
fi

for _ in $(seq 1 30); do
  if reachable; then
    echo "RabbitMQ: up on 127.0.0.1:5672"
    exit 0
  fi
  sleep 1
done
echo "RabbitMQ: could not be started on 127.0.0.1:5672; start it yourself or set FLOWS_TEST_RABBITMQ" >&2
exit 1
