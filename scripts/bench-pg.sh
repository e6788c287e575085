#!/usr/bin/env bash
# `make bench-pg` (issue 17, «Speed»): the same measurements on SQLite and on PostgreSQL, side by
# side, with 200,000 demo cases:
#   1. release build of `mesa`;
#   2. CASES demo cases in a SQLite data folder, `mesa bench` on it;
#   3. WRITERS `mesa bench-register` processes at once on a copy of that folder (one file);
#   4. a throw-away PostgreSQL cluster (initdb + pg_ctl on a free loopback port, as `nobody` when
#      root, default durability: fsync and synchronous_commit on, as an office server runs),
#      `mesa server migrate --yes` of the folder into it (timed), `mesa bench` on it, and WRITERS
#      `bench-register` processes at once (one data folder each, as separate workstations);
#   5. one table. The cluster and its folder are removed at exit.
# Environment: CASES (200000), WRITERS (4), PER_WRITER (cases each writer registers, 200),
# RUNS (queries per measurement, 200), OUT (target/bench-pg), MESA_PG_BINDIR (PostgreSQL's bin
# folder; the newest under /usr/lib/postgresql by default), SKIP_BUILD=1 (use the built binary),
# KEEP=1 (reuse OUT's SQLite folder when it already has CASES cases).
# Not part of `make test`: it takes minutes and its figures depend on the machine's load (the
# load average is printed with them).
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${CASES:-200000}
WRITERS=${WRITERS:-4}
PER_WRITER=${PER_WRITER:-200}
RUNS=${RUNS:-200}
OUT=${OUT:-target/bench-pg}
TARGET=${CARGO_TARGET_DIR:-target}
MESA="$TARGET/release/mesa"

say() { printf '\n==> %s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [ "${SKIP_BUILD:-}" != 1 ]; then
  say "Compilando mesa (release)"
  cargo build --release -p mesa-cli
fi
MESA=$(realpath "$MESA")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

# -------------------------------------------------------------------------------------------
# SQLite

SQ="$OUT/sqlite"
if [ "${KEEP:-}" = 1 ] && [ -f "$SQ/mesa.db" ]; then
  say "Reutilizando $SQ"
else
  rm -rf "$SQ"
  say "Creando $CASES casos de demostración en SQLite"
  "$MESA" --data-dir "$SQ" demo --cases "$CASES"
fi
# The daily backup runs once at the first command of the day: done here, outside the timings.
"$MESA" --data-dir "$SQ" info >/dev/null

say "mesa bench en SQLite (carga: $(load))"
SQ_LOAD=$(load)
"$MESA" --data-dir "$SQ" --json bench --runs "$RUNS" >"$OUT/sqlite-bench.json"
cat "$OUT/sqlite-bench.json" >&2

# Concurrent writers: each process registers PER_WRITER cases on a copy of the folder (one
# file shared by all, as on one PC).
SQW="$OUT/sqlite-writers"
rm -rf "$SQW" && cp -a "$SQ" "$SQW"
"$MESA" --data-dir "$SQW" info >/dev/null
say "$WRITERS procesos registrando $PER_WRITER casos cada uno en SQLite (carga: $(load))"
SQ_WLOAD=$(load)
pids=()
for i in $(seq 1 "$WRITERS"); do
  "$MESA" --data-dir "$SQW" --user "bench$i" --json bench-register --cases "$PER_WRITER" \
    >"$OUT/sqlite-writer-$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
# Alone, for comparison: the time of one write without a queue.
"$MESA" --data-dir "$SQW" --user bench0 --json bench-register --cases "$PER_WRITER" \
  >"$OUT/sqlite-writer-0.json"
rm -rf "$SQW"

# -------------------------------------------------------------------------------------------
# PostgreSQL: a throw-away cluster.

BIN=${MESA_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$BIN/postgres" ] || { echo "Falta PostgreSQL (paquete postgresql)." >&2; exit 1; }
PGDIR=$(mktemp -d -t mesa-bench-pg.XXXXXX)
PGUSER_=mesa
PGPASS_=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUNAS=()
if [ "$(id -u)" = 0 ]; then
  chown nobody "$PGDIR"
  group=nogroup; getent group nogroup >/dev/null || group=nobody
  RUNAS=(setpriv --reuid=nobody --regid="$group" --clear-groups --)
fi
cleanup() {
  "${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
printf '%s' "$PGPASS_" >"$PGDIR/pw"
[ "$(id -u)" = 0 ] && chown nobody "$PGDIR/pw"
say "Servidor PostgreSQL de prueba ($("$BIN/postgres" --version), puerto $PORT)"
"${RUNAS[@]}" "$BIN/initdb" -D "$PGDIR/data" -U "$PGUSER_" --auth=scram-sha-256 -E UTF8 \
  --locale=C.UTF-8 --pwfile="$PGDIR/pw" >/dev/null
"${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -o \
  "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDIR -c shared_buffers=256MB" \
  start >/dev/null
export PGPASSWORD="$PGPASS_"
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$PGUSER_" -d postgres -qc "CREATE DATABASE mesa" >/dev/null
URL="postgresql://$PGUSER_:$PGPASS_@127.0.0.1:$PORT/mesa"

PGWS="$OUT/pg"
rm -rf "$PGWS" && cp -a "$SQ" "$PGWS"
say "mesa server migrate --yes (carga: $(load))"
MIGRATE_LOAD=$(load)
t0=$(date +%s.%N)
"$MESA" --data-dir "$PGWS" server migrate --to "$URL" --yes >"$OUT/migrate.txt"
t1=$(date +%s.%N)
MIGRATE_S=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
"$MESA" --data-dir "$PGWS" info >/dev/null

say "mesa bench en PostgreSQL (carga: $(load))"
PG_LOAD=$(load)
"$MESA" --data-dir "$PGWS" --json bench --runs "$RUNS" >"$OUT/pg-bench.json"
cat "$OUT/pg-bench.json" >&2

# One data folder per writer (four workstations), all pointing at the server.
for i in $(seq 1 "$WRITERS"); do
  rm -rf "$OUT/pg-writer-$i" && mkdir -p "$OUT/pg-writer-$i"
  cp "$PGWS/servidor.json" "$OUT/pg-writer-$i/"
done
say "$WRITERS procesos registrando $PER_WRITER casos cada uno en PostgreSQL (carga: $(load))"
PG_WLOAD=$(load)
pids=()
for i in $(seq 1 "$WRITERS"); do
  "$MESA" --data-dir "$OUT/pg-writer-$i" --user "bench$i" --json bench-register \
    --cases "$PER_WRITER" >"$OUT/pg-writer-$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$MESA" --data-dir "$OUT/pg-writer-1" --user bench0 --json bench-register --cases "$PER_WRITER" \
  >"$OUT/pg-writer-0.json"

# -------------------------------------------------------------------------------------------
# The table.

SQ_LOAD="$SQ_LOAD" SQ_WLOAD="$SQ_WLOAD" PG_LOAD="$PG_LOAD" PG_WLOAD="$PG_WLOAD" \
MIGRATE_S="$MIGRATE_S" MIGRATE_LOAD="$MIGRATE_LOAD" WRITERS="$WRITERS" OUT="$OUT" \
python3 - <<'EOF'
import json, os
out, w = os.environ["OUT"], int(os.environ["WRITERS"])
def js(name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)
sq, pg = js("sqlite-bench.json"), js("pg-bench.json")
def writers(prefix):
    rs = [js(f"{prefix}-writer-{i}.json") for i in range(1, w + 1)]
    p95 = [r["p95_ms"] for r in rs]
    rate = sum(r["cases"] for r in rs) / max(r["seconds"] for r in rs)
    return f"{min(p95):.1f}–{max(p95):.1f}", f"{rate:.0f}/s", f"{js(prefix + '-writer-0.json')['p95_ms']:.1f}"
sw, pw = writers("sqlite"), writers("pg")
rows = [
    ("casos", f"{sq['cases']}", f"{pg['cases']}", ""),
    ("página de lista p95 (ms)", f"{sq['list_page_p95_ms']:.1f}", f"{pg['list_page_p95_ms']:.1f}", "< 10"),
    ("búsqueda p95 (ms)", f"{sq['search_p95_ms']:.1f}", f"{pg['search_p95_ms']:.1f}", "< 30"),
    ("inicio (contadores) p95 (ms)", f"{sq['dashboard_p95_ms']:.1f}", f"{pg['dashboard_p95_ms']:.1f}", "< 50"),
    ("recalcular vencimientos (s)", f"{sq['recompute_all_ms']/1000:.2f}", f"{pg['recompute_all_ms']/1000:.2f}", ""),
    (f"registrar, {w} escritores, p95 (ms)", sw[0], pw[0], "< 20"),
    (f"registrar, {w} escritores, casos/s", sw[1], pw[1], ""),
    ("registrar, 1 escritor, p95 (ms)", sw[2], pw[2], ""),
    ("mover a PostgreSQL (s)", "", os.environ["MIGRATE_S"], ""),
]
print()
print(f"| {'':36} | {'SQLite':>12} | {'PostgreSQL':>12} | {'meta':>6} |")
print(f"|{'-'*38}|{'-'*14}|{'-'*14}|{'-'*8}|")
for r in rows:
    print(f"| {r[0]:36} | {r[1]:>12} | {r[2]:>12} | {r[3]:>6} |")
print()
print("Carga (1, 5, 15 min) al medir: SQLite lecturas", os.environ["SQ_LOAD"],
      "· SQLite escritores", os.environ["SQ_WLOAD"],
      "· mover", os.environ["MIGRATE_LOAD"],
      "· PostgreSQL lecturas", os.environ["PG_LOAD"],
      "· PostgreSQL escritores", os.environ["PG_WLOAD"])
EOF
