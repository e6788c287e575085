#!/usr/bin/env bash
# The Windows job (`make windows`, part of `make test`): cross-builds for x86_64-pc-windows-gnu
# with Debian's Rust (std built from source with -Zbuild-std; rustup cannot fetch targets here),
# runs the core's and the CLI's test suites under Wine, smoke-tests `mesa.exe` on a Windows-style
# data folder, and builds the desktop app's exe (it cannot run under Wine: no WebView2).
# Facts behind each step: ../shared/notes/windows.md and README «Windows».
#
# Steps can be chosen: scripts/windows-ci.sh [deps] [prefix] [test] [smoke] [app]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=(deps prefix test smoke app)
want() { [[ " ${STEPS[*]} " == *" $1 "* ]]; }

TARGET=x86_64-pc-windows-gnu
WINE=/usr/lib/wine/wine64

# --- Packages: mingw, Debian's Rust 1.96 with std sources, Wine ---------------------------------
if want deps; then
  bash scripts/apt-install-missing.sh gcc-mingw-w64-x86-64 rustc-web cargo-web rust-web-src wine64
fi

# --- Toolchain: Debian's cargo/rustc first on PATH, a target dir of its own -------------------
export PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export CARGO_TARGET_DIR="$ROOT/target/windows"
export CARGO_TERM_COLOR=never
XBUILD=(-Zbuild-std=std,panic_abort --target "$TARGET")

# --- Wine prefix (throw-away, inside target/) ---------------------------------------------------
export WINEPREFIX="$CARGO_TARGET_DIR/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export WINE
if want prefix; then
  if [ ! -f "$WINEPREFIX/.mesa-ready" ]; then
    echo "==> Windows: preparando el prefijo de Wine"
    rm -rf "$WINEPREFIX"
    mkdir -p "$CARGO_TARGET_DIR"
    "$WINE" wineboot --init >/dev/null 2>&1 || true
    # Test-only stand-in for bcryptprimitives.dll!ProcessPrng (missing in Debian 12's Wine 8.0;
    # see scripts/windows/processprng.c). The exe we ship is unchanged.
    x86_64-w64-mingw32-gcc -O2 -shared -o "$CARGO_TARGET_DIR/bcryptprimitives.dll" \
      scripts/windows/processprng.c scripts/windows/processprng.def
    cp "$CARGO_TARGET_DIR/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
    touch "$WINEPREFIX/.mesa-ready"
  fi
fi

# --- The desktop app's exe (compiles and links; cannot run under Wine: no WebView2) ------------
build_app() {
  echo "==> Windows: compilando la aplicación de escritorio (mesa-app)"
  [ -f ui/dist/index.html ] || npm --prefix ui run build
  cargo build "${XBUILD[@]}" -p mesa-app
  ls -l "$CARGO_TARGET_DIR/$TARGET/debug/mesa-app.exe" "$CARGO_TARGET_DIR/$TARGET/debug/WebView2Loader.dll"
}
APP_PID=""

# --- Core and CLI test suites under Wine --------------------------------------------------------
if want test; then
  echo "==> Windows: compilando las pruebas del calendario, del núcleo y de la CLI"
  # Doc tests are left to the Linux run (they need a host rustdoc for the target).
  cargo test "${XBUILD[@]}" -p mesa-calendar -p mesa-sheets -p mesa-docwriter -p mesa-core -p mesa-cli --lib --bins --tests --no-run \
    --message-format=json-render-diagnostics >"$CARGO_TARGET_DIR/test-artifacts.json"
  # Running the tests under Wine leaves a core idle: the app builds meanwhile (the test
  # binaries run directly, not through `cargo test`, which would wait for the build lock).
  if want app; then
    build_app >"$CARGO_TARGET_DIR/app-build.log" 2>&1 &
    APP_PID=$!
  fi
  echo "==> Windows: pruebas del núcleo y de la CLI bajo Wine"
  : >"$CARGO_TARGET_DIR/tests.log"
  failed=()
  while IFS=$'\t' read -r exe dir; do
    echo "     Running $(basename "$exe") (en $dir)" | tee -a "$CARGO_TARGET_DIR/tests.log"
    if ! (cd "$dir" && "$WINE" "$exe") 2>&1 | tee -a "$CARGO_TARGET_DIR/tests.log"; then
      failed+=("$(basename "$exe")")
    fi
  done < <(python3 - "$CARGO_TARGET_DIR/test-artifacts.json" <<'PY'
import json, os, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(m["executable"] + "\t" + os.path.dirname(m["manifest_path"]))
PY
  )
  echo "==> Windows: pruebas omitidas en Windows (con su motivo)"
  grep -E "^test .* \.\.\. ignored, " "$CARGO_TARGET_DIR/tests.log" | sed 's/^/    /' || echo "    (ninguna)"
  echo "    crates/cli/tests/suite/crash.rs: solo Unix (mata el proceso con SIGKILL)"
  echo "    crates/cli/tests/suite/mailwire.rs, recolector matado 10 veces: solo Unix (SIGKILL)"
  if [ ${#failed[@]} -gt 0 ]; then
    echo "==> Windows: FALLARON: ${failed[*]}" >&2
    [ -z "$APP_PID" ] || wait "$APP_PID" || true
    exit 1
  fi
fi

# --- Smoke test of mesa.exe --------------------------------------------------------------------
if want smoke; then
  # The debug exe the CLI tests run (CARGO_BIN_EXE_mesa): built with the tests' feature set, so
  # after the test step this is a no-op (a plain `cargo build -p mesa-cli` would rebuild every
  # dependency with other features, ≈ 3 min).
  if ! want test; then
    echo "==> Windows: compilando mesa.exe"
    cargo test "${XBUILD[@]}" -p mesa-core -p mesa-cli --lib --bins --tests --no-run
  fi
  EXE="$CARGO_TARGET_DIR/$TARGET/debug/mesa.exe"
  ls -l "$EXE"
  echo "==> Windows: prueba de humo de mesa.exe"
  bash scripts/windows/smoke.sh "$EXE"
fi

# --- The app, when it did not build in the background -----------------------------------------
if want app; then
  if [ -n "$APP_PID" ]; then
    echo "==> Windows: esperando la compilación de la aplicación"
    app_rc=0
    wait "$APP_PID" || app_rc=$?
    cat "$CARGO_TARGET_DIR/app-build.log"
    [ "$app_rc" -eq 0 ] || { echo "==> Windows: la aplicación no compiló" >&2; exit 1; }
  else
    build_app
  fi
fi
echo "==> Windows: listo"
