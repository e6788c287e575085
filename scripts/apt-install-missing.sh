#!/usr/bin/env bash
# Installs the Debian packages given as arguments that are not installed yet (apt-get update
# only when something is missing). Shared by install-deps.sh and windows-ci.sh.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Instalando paquetes del sistema: ${missing[*]}"
  # A run killed in the middle of an install (a stopped CI job on the same machine) leaves dpkg
  # «interrupted» and every later apt-get install refuses to start: finish that work first.
  if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ] || dpkg --audit 2>/dev/null | grep -q .; then
    echo "==> dpkg quedó interrumpido: completando la instalación anterior"
    DEBIAN_FRONTEND=noninteractive $SUDO dpkg --configure -a
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -f
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
