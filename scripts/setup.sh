#!/usr/bin/env bash
# Idempotent machine setup for VaeCreative.
#
# TorchSharp 0.107 ships a libtorch built against GCC 13's libstdc++
# (symbol version GLIBCXX_3.4.32). Debian 12 ships GCC 12's, so the native
# library fails to load. When (and only when) that symbol is missing we add
# Debian 13 (trixie) as a low-priority apt source (pin 100, so nothing else is
# upgraded from it) and install libstdc++6 from it.
#
# Fast path: a single `grep` on the installed libstdc++ when nothing is needed.
set -euo pipefail

quiet=0
[[ "${1:-}" == "--quiet" ]] && quiet=1
say() { [[ $quiet == 1 ]] || echo "setup: $*" >&2; }

find_libstdcxx() {
  local candidates=(
    /usr/lib/x86_64-linux-gnu/libstdc++.so.6
    /usr/lib/aarch64-linux-gnu/libstdc++.so.6
    /usr/lib64/libstdc++.so.6
    /usr/lib/libstdc++.so.6
  )
  for f in "${candidates[@]}"; do
    [[ -e "$f" ]] && { echo "$f"; return 0; }
  done
  return 1
}

has_glibcxx_3_4_32() {
  local lib
  lib="$(find_libstdcxx)" || return 1
  grep -qa 'GLIBCXX_3\.4\.32' "$(readlink -f "$lib")"
}

if [[ "$(uname -s)" != "Linux" ]]; then
  exit 0 # macOS / Windows: TorchSharp's packages bring what they need.
fi

if has_glibcxx_3_4_32; then
  say "libstdc++ provides GLIBCXX_3.4.32; nothing to do."
  exit 0
fi

if [[ ! -r /etc/os-release ]] || ! grep -q '^ID=debian' /etc/os-release; then
  echo "setup: libstdc++ lacks GLIBCXX_3.4.32 (TorchSharp needs GCC 13+'s libstdc++)," \
       "and this is not Debian, so it is not installed automatically." \
       "Install libstdc++ from GCC 13 or newer with your package manager." >&2
  exit 1
fi

if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install libstdc++6 from Debian 13" >&2; exit 1; }
else
  SUDO=
fi

say "libstdc++ lacks GLIBCXX_3.4.32; installing libstdc++6 from Debian 13 (trixie, pin 100)."
if [[ ! -f /etc/apt/sources.list.d/vaecreative-trixie.sources ]]; then
  $SUDO tee /etc/apt/sources.list.d/vaecreative-trixie.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if [[ ! -f /etc/apt/preferences.d/vaecreative-trixie ]]; then
  $SUDO tee /etc/apt/preferences.d/vaecreative-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq -o Dpkg::Use-Pty=0 >/dev/null
$SUDO apt-get install -y -qq -t trixie -o Dpkg::Use-Pty=0 libstdc++6 >/dev/null

if has_glibcxx_3_4_32; then
  say "libstdc++6 from Debian 13 installed."
else
  echo "setup: installed libstdc++6 from Debian 13 but GLIBCXX_3.4.32 is still missing." >&2
  exit 1
fi
