#!/usr/bin/env bash
# Smoke test of the installer: unpacks the .deb built by `make deb` into a temp folder (no root
# install), starts the packaged binary under Xvfb on an empty data folder for a few seconds and
# checks that it created and migrated its database; then the packaged `mesa` CLI loads demo cases
# into that database and lists them.
set -euo pipefail
deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
bin="$tmp/root/usr/bin/mesa-de-ayuda-ti"
test -x "$bin"
test -f "$tmp/root/usr/share/applications/Mesa de Ayuda TI.desktop"
mkdir "$tmp/data"
set +e
MESA_DATA_DIR="$tmp/data" timeout 15 xvfb-run -a "$bin" >"$tmp/app.log" 2>&1
code=$?
set -e
if [ "$code" -ne 124 ]; then
  echo "the packaged app exited early (código $code):" >&2
  cat "$tmp/app.log" >&2
  exit 1
fi
migrations=$(sqlite3 "$tmp/data/mesa.db" "SELECT count(*) FROM schema_migrations")
expected=$(ls migrations/*.sql | wc -l)
if [ "$migrations" != "$expected" ]; then
  echo "schema_migrations: $migrations, expected $expected" >&2
  exit 1
fi
# The CLI comes in the same package and works on the app's database.
cli="$tmp/root/usr/bin/mesa"
test -x "$cli"
"$cli" --data-dir "$tmp/data" demo --cases 25 >/dev/null
listed=$("$cli" --data-dir "$tmp/data" --json ticket list --limit 100 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$listed" != "25" ]; then
  echo "mesa ticket list: $listed cases, expected 25" >&2
  exit 1
fi
echo "OK: $(basename "$deb") ($(du -h "$deb" | cut -f1)) starts and migrates a new database ($migrations migrations); its mesa CLI lists $listed demo cases"
