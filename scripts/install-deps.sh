#!/usr/bin/env bash
# Installs what building and testing Mesa de Ayuda TI needs on Debian 12 / Ubuntu 22.04+:
# the WebKitGTK/Tauri system packages, the real-window test tools, node modules and
# tauri-driver. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."


PKGS=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
      libayatana-appindicator3-dev librsvg2-dev pkg-config
      webkit2gtk-driver xvfb xauth python3
      xdotool python3-gi gir1.2-gtk-3.0
      poppler-utils sqlite3 qpdf libreoffice-calc
      dovecot-imapd python3-aiosmtpd keyutils openssl
      postgresql postgresql-contrib)
bash scripts/apt-install-missing.sh "${PKGS[@]}"
# mesa-mailnet's tests start their own Dovecot (as nobody, on free loopback ports); the package's
# system instance is not needed (nothing depends on port 143).
# xdotool + python3-gi: tests/e2e/drop.test.mjs drags real files from a GTK drag source
# (tests/e2e/drag_source.py, Debian's /usr/bin/python3) onto the app's window under Xvfb.
# PostgreSQL (issue 17): the core and CLI tests start their own throw-away cluster (initdb +
# postgres as nobody on a free loopback port); the package's own cluster is not used.

if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null || { echo "Falta Rust (cargo). Instálelo con rustup."; exit 1; }
command -v node >/dev/null || { echo "Falta Node.js (>= 20.19)."; exit 1; }

if [ ! -d node_modules/@tauri-apps/cli ]; then
  echo "==> npm install (raíz: CLI de Tauri)"
  npm install --no-audit --no-fund --loglevel=error
fi
if [ ! -d ui/node_modules/svelte ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> npm install (ui)"
  npm --prefix ui install --no-audit --no-fund --loglevel=error
fi
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
