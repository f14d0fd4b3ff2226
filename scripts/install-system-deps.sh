#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those that are missing (quick the second time).
#   usage: scripts/install-system-deps.sh [--browser] [--bench]
set -euo pipefail
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-gkai00mp poppler-utils zbar-tools)
for arg in "$@"; do
  case "$arg" in
    --browser)
      packages+=(chromium chromium-l10n libreoffice-calc-nogui)
      # npm installs axe-core for the accessibility checks; a Node.js from elsewhere (with its npm) is fine too.
      command -v npm >/dev/null || packages+=(nodejs npm) ;;
    --bench) packages+=(wrk redis-server) ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
