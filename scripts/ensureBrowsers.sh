#!/bin/sh
# Makes sure Debian's browsers for the test suites are here. Installs them
# with apt-get when run as root; otherwise says exactly what to install.
set -e

missing=''
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
command -v firefox-esr >/dev/null 2>&1 || missing="$missing firefox-esr"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages for the browser tests:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi

echo "The browser tests need Debian packages that are missing:$missing" >&2
echo "Install them with: sudo apt-get update && sudo apt-get install -y$missing" >&2
exit 1
