#!/usr/bin/env bash
# Install Debian's headless Chromium and its WebDriver when missing (the
# browser page test and `make pdf` need them). Only the package registry is
# used; nothing else is downloaded.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium/chromedriver missing: run 'sudo apt-get install -y chromium chromium-driver'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
command -v chromium && command -v chromedriver
