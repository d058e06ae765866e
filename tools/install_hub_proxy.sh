#!/usr/bin/env bash
# Installs what `microloan classroom` needs besides Python packages: configurable-http-proxy from npm
# (and Debian's nodejs + npm first, if missing). Used by `make classroom` and `make test`.
set -euo pipefail
command -v configurable-http-proxy >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "需要安装 configurable-http-proxy（请以 root 运行：npm install -g configurable-http-proxy） / please install: configurable-http-proxy" >&2
    exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "apt-get install nodejs npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
echo "npm install -g configurable-http-proxy"
npm install -g --silent configurable-http-proxy >/dev/null
