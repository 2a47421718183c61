#!/usr/bin/env bash
# What the testgen-go tests need beyond the Python venv: the Go toolchain (go, gofmt) and a
# C compiler for the cgo case. Idempotent; runs as root on a fresh machine.
set -euo pipefail

need=()
command -v go >/dev/null 2>&1 || need+=(golang-go)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
go version
