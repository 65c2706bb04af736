#!/bin/sh
# What a quiet release costs the database on the shared journal: a PostgreSQL on loopback
# logging every statement (log_statement=all), a driving cockpit and a watching one in tmux,
# and the statements logged over a window of nothing happening (simple and extended protocol:
# "statement:" and "execute" lines), and what each cockpit connection is doing then.
# Usage: scripts/bench_shared_idle.sh [BIN] [SECONDS]   (run as root or as a user that may
# run postgres; needs tmux)
set -eu
BIN=${1:-target/debug/gonogo}
WINDOW=${2:-30}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/gonogo-bench-pg.XXXXXX)
chmod 777 "$DIR"
PORT=$((20000 + $$ % 20000))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg "$PGBIN/initdb" -D "$DIR/pg" -U gonogo --auth=trust --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w start -o \
  "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c log_statement=all -c log_min_messages=warning" >/dev/null
trap 'tmux kill-session -t bench-drive 2>/dev/null; tmux kill-session -t bench-watch 2>/dev/null; as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null; rm -rf "$DIR"' EXIT
URL="postgres://gonogo@127.0.0.1:$PORT/postgres?sslmode=disable"
sed 's/checkout-api/bench-idle/' tests/fixtures/minimal.toml > "$DIR/release.toml"
printf '\n[cockpit]\njournal = { postgres = { env = "GONOGO_DB" } }\n' >> "$DIR/release.toml"
tmux new-session -d -s bench-drive -x 120 -y 40 "GONOGO_DB='$URL' USER=ana exec $BIN --config $DIR/release.toml"
sleep 3
tmux new-session -d -s bench-watch -x 120 -y 40 "GONOGO_DB='$URL' USER=bo exec $BIN --config $DIR/release.toml"
sleep 5
before_lines=$(grep -cE 'statement:|execute ' "$DIR/pg.log" || true)
sleep "$WINDOW"
after_lines=$(grep -cE 'statement:|execute ' "$DIR/pg.log" || true)
echo "window ${WINDOW}s: $((after_lines - before_lines)) statements from the cockpits (log_statement=all)"
echo "cockpits' connections:"; "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U gonogo -d postgres -Atc \
  "SELECT application_name, state, wait_event_type, left(query, 50) FROM pg_stat_activity WHERE application_name LIKE 'gonogo%' ORDER BY 3"
tmux capture-pane -p -t bench-watch | head -1
