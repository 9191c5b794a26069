#!/usr/bin/env bash
# Makes sure a Prometheus server binary is available for the ai-platform-backend
# tests (real Prometheus on loopback) and prints its path on stdout.
#
# Order: $PROMETHEUS_BIN, then `prometheus` on PATH / /usr/bin/prometheus, then
# Debian's `prometheus` package via apt-get (non-interactive; as root or through
# sudo -n when available). Only the binary is used: the package's systemd
# service is never needed (the tests start their own server on a random
# loopback port with a temporary storage path).
#
# Exit status: 0 with the path printed, 1 when Prometheus cannot be found or
# installed (the tests then skip with a visible message).
set -euo pipefail

log() { echo "ensure-prometheus: $*" >&2; }

found() {
  if [ -n "${PROMETHEUS_BIN:-}" ] && [ -x "$PROMETHEUS_BIN" ]; then
    echo "$PROMETHEUS_BIN"
    return 0
  fi
  if [ -x /usr/bin/prometheus ]; then
    echo /usr/bin/prometheus
    return 0
  fi
  if command -v prometheus >/dev/null 2>&1; then
    command -v prometheus
    return 0
  fi
  return 1
}

if bin="$(found)"; then
  log "using $bin ($("$bin" --version 2>&1 | head -n 1))"
  echo "$bin"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "prometheus is not installed and apt-get is not available; set PROMETHEUS_BIN to a prometheus binary"
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    log "prometheus is not installed and installing it needs root (no passwordless sudo); set PROMETHEUS_BIN or run: apt-get install -y prometheus"
    exit 1
  fi
fi

log "installing Debian's prometheus package with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Keep the package's service from starting during the install (no systemd in
# containers anyway); the tests run the binary themselves.
policy_rc=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy_rc" ]; then
  if printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy_rc" >/dev/null 2>&1; then
    "${as_root[@]}" chmod +x "$policy_rc" || true
    created_policy=1
  fi
fi
cleanup() {
  if [ "$created_policy" -eq 1 ]; then
    "${as_root[@]}" rm -f "$policy_rc" || true
  fi
}
trap cleanup EXIT

if ! "${as_root[@]}" apt-get install -y --no-install-recommends prometheus >&2; then
  log "apt-get install failed; refreshing the package lists and retrying"
  "${as_root[@]}" apt-get update >&2 || true
  "${as_root[@]}" apt-get install -y --no-install-recommends prometheus >&2 || {
    log "could not install prometheus"
    exit 1
  }
fi

if bin="$(found)"; then
  log "installed $bin ($("$bin" --version 2>&1 | head -n 1))"
  echo "$bin"
  exit 0
fi
log "prometheus was installed but no binary was found at /usr/bin/prometheus"
exit 1
