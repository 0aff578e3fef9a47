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
# The broker answers the AMQP 0-9-1 protocol header with a method frame (type 1): a broker out of
# file descriptors accepts the connection and never answers.
handshakes() {
  timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5672 && printf "AMQP\0\0\011\001" >&3 &&
    head -c 1 <&3 | od -An -tx1' 2>/dev/null | grep -q 01
}
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$PATH:/usr/sbin"

if handshakes; then
  echo "RabbitMQ: up on 127.0.0.1:5672"
  exit 0
fi
if reachable; then
  # A wedged node: rabbitmqctl cannot reach it either. Killing it keeps its queues on disk.
  echo "RabbitMQ: 127.0.0.1:5672 accepts connections but answers no AMQP handshake; killing it"
  tail -n 20 /var/log/rabbitmq/rabbit@*.log 2>/dev/null || true
  sudo_if_needed pkill -KILL -u rabbitmq beam.smp || true
  for _ in $(seq 1 10); do reachable || break; sleep 1; done
fi

if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
  echo "RabbitMQ: not installed, installing rabbitmq-server with apt"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi

if ! reachable; then
  echo "RabbitMQ: starting"
  sudo_if_needed rabbitmq-server -detached
fi

# A started node answers once it has booted (its queues recovered): up to 90 s.
for _ in $(seq 1 90); do
  if handshakes; then
    echo "RabbitMQ: up on 127.0.0.1:5672"
    exit 0
  fi
  sleep 1
done
echo "RabbitMQ: could not be started on 127.0.0.1:5672; start it yourself or set FLOWS_TEST_RABBITMQ" >&2
exit 1
