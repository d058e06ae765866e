#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the gradebook tests (tests/postgres_support.py starts a private
# server on a free loopback port in a temporary folder; nothing is started by this script).
set -euo pipefail
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "需要安装 postgresql（请以 root 运行：apt-get install postgresql） / please install: postgresql" >&2
    exit 1
fi
echo "apt-get install postgresql"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
# Debian's package starts a cluster of its own; the tests never use it.
