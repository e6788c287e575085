#!/usr/bin/env bash
# Smoke test of the Windows `mesa.exe` under Wine, as a user in an office would run it: a data
# folder with spaces and accents under C:\Users, a file to import with spaces in its name, the
# report, the exports, and a backup round trip (create, verify, restore). Every command must
# succeed without the daily-backup warning (the defect of issue 11: «no se pudo hacer la copia de
# seguridad diaria: … Access denied (os error 5)»).
# Usage: scripts/windows/smoke.sh PATH/TO/mesa.exe   (WINEPREFIX prepared by windows-ci.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
EXE=$1
WINE=${WINE:-/usr/lib/wine/wine64}
: "${WINEPREFIX:?WINEPREFIX no definido}"

USERS="$WINEPREFIX/drive_c/users"
HOME_W='C:\users\Ana María'
HOME_L="$USERS/Ana María"
DATA_W="$HOME_W"'\Mesa de Ayuda TI\datos de la oficina'
DATA_L="$HOME_L/Mesa de Ayuda TI/datos de la oficina"
DOCS_W="$HOME_W"'\Documentos'
DOCS_L="$HOME_L/Documentos"
rm -rf "$HOME_L"
mkdir -p "$DOCS_L"
cp tests/fixtures/legacy/solicitudes_soporte_2022.xlsx "$DOCS_L/Relación de casos 2022.xlsx"

fail() { echo "HUMO WINDOWS: FALLÓ: $*" >&2; exit 1; }
ERR=$(mktemp)
# mesa ARGS… : runs mesa.exe on the data folder; stdout is printed; stderr checked.
mesa() {
  local out
  if ! out=$("$WINE" "$EXE" --data-dir "$DATA_W" --now 2026-03-02T09:00 "$@" 2>"$ERR"); then
    cat "$ERR" >&2
    fail "mesa $*"
  fi
  if grep -qi "no se pudo hacer la copia" "$ERR"; then
    cat "$ERR" >&2
    fail "aviso de copia diaria en: mesa $*"
  fi
  printf '%s' "$out"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

echo "==> registrar y listar (carpeta de datos: $DATA_W)"
n=$(mesa --json ticket new --requester "Ana María Ñáñez" --department "Tesorería" \
      --description "No imprime en red" --received-at 2026-03-02T08:30 | json 'd["number"]')
[ -n "$n" ] || fail "sin número de caso"
count=$(mesa --json ticket list | json 'len(d)')
[ "$count" = 1 ] || fail "ticket list: $count casos, se esperaba 1"
[ -f "$DATA_L/mesa.db" ] || fail "no existe $DATA_L/mesa.db"
ls "$DATA_L/backups/"*-daily.db >/dev/null || fail "no se hizo la copia diaria"
echo "    $n registrado; copia diaria hecha"

echo "==> importar «Relación de casos 2022.xlsx» (con copia previa)"
imported=$(mesa --json import "$DOCS_W"'\Relación de casos 2022.xlsx' | json 'd["imported"]')
[ "$imported" -gt 0 ] || fail "no se importó ningún caso"
ls "$DATA_L/backups/"*-pre-import.db >/dev/null || fail "no se hizo la copia antes de importar"
echo "    $imported casos importados"

echo "==> informe y exportaciones"
mesa report helpdesk --from 2022-01-01 --to 2026-03-31 \
  --pdf "$DOCS_W"'\Informe de gestión.pdf' --xlsx "$DOCS_W"'\Informe de gestión.xlsx' >/dev/null
mesa export cases --from 2020-01-01 --to 2026-12-31 \
  --xlsx "$DOCS_W"'\Casos exportados.xlsx' --csv "$DOCS_W"'\Casos exportados.csv' >/dev/null
for f in "Informe de gestión.pdf" "Informe de gestión.xlsx" "Casos exportados.xlsx" "Casos exportados.csv"; do
  [ -s "$DOCS_L/$f" ] || fail "no se escribió $f"
done
head -c 5 "$DOCS_L/Informe de gestión.pdf" | grep -q '%PDF-' || fail "el PDF no empieza con %PDF-"
ls "$DOCS_L"/*.part >/dev/null 2>&1 && fail "quedaron archivos .part"

echo "==> copia de seguridad: crear, verificar, restaurar"
info=$(mesa --json backup create)
path=$(printf '%s' "$info" | json 'd["path"]')
case "$path" in
  'C:\users\Ana María\Mesa de Ayuda TI\datos de la oficina\backups\mesa-'*-manual.db) ;;
  *) fail "ruta de la copia inesperada en el JSON: $path" ;;
esac
manifest="$DATA_L/backups/$(basename "${path//\\//}" .db).json"
python3 - "$manifest" <<'EOF' || fail "manifiesto"
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
assert m["path"].startswith("C:\\users\\Ana María\\"), m["path"]
assert m["counts"]["cases"] > 1, m["counts"]
EOF
cases_before=$(mesa --json ticket list --limit 100000 | json 'len(d)')
mesa --json backup verify "$path" | json 'd["sha256"]' >/dev/null
mesa ticket new --requester "Luis Pérez" --department "Almacén" --description "Caso después de la copia" \
  --received-at 2026-03-02T08:45 >/dev/null
after=$(mesa --json ticket list --limit 100000 | json 'len(d)')
[ "$after" = $((cases_before + 1)) ] || fail "tras registrar: $after casos"
mesa --json backup restore "$path" --yes >/dev/null
restored=$(mesa --json ticket list --limit 100000 | json 'len(d)')
[ "$restored" = "$cases_before" ] || fail "tras restaurar: $restored casos, se esperaban $cases_before"
ls "$DATA_L/backups/"*-pre-restore.db >/dev/null || fail "no se hizo la copia antes de restaurar"
ls "$DATA_L/backups/"*.tmp >/dev/null 2>&1 && fail "quedaron temporales .tmp en backups"

echo "==> copia a otra carpeta (una USB: E:\\ con espacios)"
mkdir -p "$WINEPREFIX/drive_c/Copias USB"
mesa backup create --to 'C:\Copias USB' >/dev/null
ls "$WINEPREFIX/drive_c/Copias USB/"mesa-*-manual.db >/dev/null || fail "copia en otra carpeta"

rm -f "$ERR"
echo "HUMO WINDOWS: correcto ($n, $imported importados, $cases_before casos restaurados)"
