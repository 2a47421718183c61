#!/usr/bin/env bash
# What the Rust plugin needs beyond a fresh machine with cargo: an llvm-profdata/llvm-cov that
# reads rustc's coverage profiles. rustc 1.95 is built on LLVM 22; Debian 12's default LLVM 14
# rejects its profiles, Debian's llvm-19 reads them. Idempotent; safe to run as root in CI.
set -euo pipefail

if command -v llvm-profdata-19 >/dev/null 2>&1 && command -v llvm-cov-19 >/dev/null 2>&1; then
    echo "testgen-rust: llvm-19 already installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "testgen-rust: no apt-get here; install LLVM 19+ (llvm-profdata, llvm-cov) for coverage" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends llvm-19 >/dev/null
echo "testgen-rust: installed $(llvm-profdata-19 --version | grep -m1 -o 'LLVM version [0-9.]*')"
