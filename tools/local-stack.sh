#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and NATS (JetStream) run on loopback and creates the
# databases the project needs. Starts each from its installed server binary when it is not
# running; installs it with apt-get when it is missing (needs root). Idempotent.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
NATS_PORT=${NATS_PORT:-4222}
DATABASES=${EQUIHOME_DATABASES:-"equihome equihome_test"}

log() { printf '[local-stack] %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  log "port $1 did not open in 30 s"; return 1
}
apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then log "missing $*; install it (needs root)"; exit 1; fi
  if [ $apt_updated = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL
if ! port_open "$PGPORT"; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing PostgreSQL"; apt_install postgresql
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  log "starting PostgreSQL $ver"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  wait_port "$PGPORT"
fi
psql_cmd() { psql -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-postgres}" -d postgres -tAc "$1"; }
if ! psql_cmd 'select 1' >/dev/null 2>&1; then
  # Fall back to the local superuser over the socket (fresh Debian clusters use peer auth).
  psql_cmd() { su postgres -c "psql -d postgres -tAc \"$1\""; }
fi
for db in $DATABASES; do
  if [ "$(psql_cmd "select 1 from pg_database where datname='$db'")" != 1 ]; then
    log "creating database $db"; psql_cmd "create database $db" >/dev/null
  fi
done
log "PostgreSQL ready on $PGHOST:$PGPORT ($DATABASES)"

# Redis
if ! port_open "$REDIS_PORT"; then
  command -v redis-server >/dev/null || { log "installing Redis"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port "$REDIS_PORT"
fi
log "Redis ready on 127.0.0.1:$REDIS_PORT"

# NATS with JetStream
if ! port_open "$NATS_PORT"; then
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || { log "installing NATS"; apt_install nats-server; }
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  mkdir -p /var/lib/nats-server
  log "starting NATS (JetStream)"
  start-stop-daemon --start --oknodo --background --exec "$bin" -- -a 127.0.0.1 -p "$NATS_PORT" -js \
    -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port "$NATS_PORT"
fi
log "NATS ready on 127.0.0.1:$NATS_PORT"

# Debian's Chromium for the browser test of the results page (driven by playwright-core with
# executablePath /usr/bin/chromium; never a downloaded browser). EQUIHOME_NO_BROWSER=1 skips.
if [ "${EQUIHOME_NO_BROWSER:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  log "installing Chromium (browser test)"; apt_install --no-install-recommends chromium
fi
[ -x /usr/bin/chromium ] && log "Chromium ready: /usr/bin/chromium"
exit 0
