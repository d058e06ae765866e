#!/usr/bin/env bash
# Installs what the browser tests need on Debian: the chromium package and a CJK font for HTML text.
# Never downloads a browser build of its own (no `playwright install`).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "需要安装 ${need[*]}（请以 root 运行：apt-get install ${need[*]}） / please install: ${need[*]}" >&2
    exit 1
fi
echo "apt-get install ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
