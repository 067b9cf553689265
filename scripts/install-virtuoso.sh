#!/usr/bin/env bash
# Install the Virtuoso Open Source SPARQL server from Debian's packages, if it is not there yet.
# Idempotent: does nothing but print the version when `virtuoso-t` is already on PATH.
# Installing does not start a daemon; tests run their own via scripts/virtuoso.py.
set -euo pipefail

if ! command -v virtuoso-t >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    log="${APT_LOG:-${TMPDIR:-/tmp}/cablegraph-apt.log}"
    echo "install-virtuoso: virtuoso-t not found; installing virtuoso-opensource from Debian (log: $log)" >&2
    # The package's debconf asks for a dba password; noninteractive keeps the default (dba).
    if ! { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            virtuoso-opensource; } >>"$log" 2>&1; then
        tail -n 40 "$log" >&2
        exit 1
    fi
fi

# The package ships no daemon we want running: tests start their own on 127.0.0.1.
command -v virtuoso-t >/dev/null
command -v isql-vt >/dev/null
test -f /etc/virtuoso-opensource-7/virtuoso.ini
# `virtuoso-t -?` prints its banner (with the version) on stderr and exits non-zero.
virtuoso-t -? 2>&1 | grep -m1 -i 'version' || true
