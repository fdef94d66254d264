#!/usr/bin/env bash
# Installs what the tests start or call for themselves (Debian packages). Nothing here starts a service: the
# tests run private instances on free ports in temp dirs and stop them by PID.
set -euo pipefail

missing=()
# need PACKAGE PATH: install PACKAGE unless PATH (a file the package provides) exists.
need() { [ -e "$2" ] || missing+=("$1"); }

need redis-server /usr/bin/redis-server            # Redis provider tests and fault tests
need postgresql-15 /usr/lib/postgresql/15/bin/postgres  # PostgreSQL provider tests and fault tests
need chromium /usr/bin/chromium                    # dashboard browser tests (Playwright drives it; never `playwright install`)
need docker.io /usr/sbin/dockerd                   # Docker client tests: a private dockerd with its own containerd (runc, CLI)
need busybox-static /bin/busybox                   # the Docker tests' image, imported from a busybox root filesystem
# PyHost: the embedded CPython and the Jupyter kernel/notebook tests
need libpython3.11 /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0
need python3.11 /usr/bin/python3.11
need python3-ipykernel /usr/lib/python3/dist-packages/ipykernel/__init__.py
need python3-jupyter-client /usr/lib/python3/dist-packages/jupyter_client/__init__.py
need python3-nbclient /usr/lib/python3/dist-packages/nbclient/__init__.py
need python3-nbformat /usr/lib/python3/dist-packages/nbformat/__init__.py
need python3-nbconvert /usr/lib/python3/dist-packages/nbconvert/__init__.py
need jupyter-nbconvert /usr/bin/jupyter-nbconvert
need jupyter-client /usr/bin/jupyter-kernelspec
need jupyter-core /usr/bin/jupyter

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need ${missing[*]}; install them (sudo apt-get install ${missing[*]}) or run as root" >&2
  exit 2
fi
echo "installing ${missing[*]}..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start system-wide services; the tests run their own instances, so stop those.
if command -v service >/dev/null 2>&1; then
  for service in redis-server postgresql docker containerd; do
    service "$service" stop >/dev/null 2>&1 || true
  done
fi
