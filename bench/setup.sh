#!/usr/bin/env bash
# Installs the PyTorch reference: Debian's python3-torch (1.13) with OpenBLAS. Without
# libopenblas0-pthread Debian's torch falls back to the reference BLAS (measured here:
# 370 ms vs 12 ms for one 1024^3 float matmul), which would flatter the C# side.
set -euo pipefail
if /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
echo "bench: installing python3-torch and libopenblas0-pthread …" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq -o Dpkg::Use-Pty=0 >/dev/null
$SUDO apt-get install -y -qq -o Dpkg::Use-Pty=0 python3-torch python3-numpy libopenblas0-pthread >/dev/null
