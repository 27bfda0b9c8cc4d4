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
test_tools=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --test-tools) test_tools=1 ;; # also python3-mido, the independent MIDI parser the tests check outputs with
    *) echo "setup: unknown option $arg (use --quiet, --test-tools)" >&2; exit 2 ;;
  esac
done
say() { [[ $quiet == 1 ]] || echo "setup: $*" >&2; }

if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive

install_test_tools() {
  [[ $test_tools == 1 ]] || return 0
  if /usr/bin/python3 -c 'import mido' >/dev/null 2>&1; then return 0; fi
  if ! command -v apt-get >/dev/null; then
    say "python3-mido not installed and no apt-get; the independent MIDI check will be skipped."
    return 0
  fi
  say "installing python3-mido (independent MIDI parser for tests)."
  $SUDO apt-get update -qq -o Dpkg::Use-Pty=0 >/dev/null
  $SUDO apt-get install -y -qq -o Dpkg::Use-Pty=0 python3-mido >/dev/null
}

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
  install_test_tools
  exit 0
fi

if [[ ! -r /etc/os-release ]] || ! grep -q '^ID=debian' /etc/os-release; then
  echo "setup: libstdc++ lacks GLIBCXX_3.4.32 (TorchSharp needs GCC 13+'s libstdc++)," \
       "and this is not Debian, so it is not installed automatically." \
       "Install libstdc++ from GCC 13 or newer with your package manager." >&2
  exit 1
fi

if [[ -n "$SUDO" ]] && ! command -v sudo >/dev/null; then
  echo "setup: libstdc++ lacks GLIBCXX_3.4.32 and installing it needs root (or sudo); run scripts/setup.sh as root." >&2
  exit 1
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
$SUDO apt-get update -qq -o Dpkg::Use-Pty=0 >/dev/null
$SUDO apt-get install -y -qq -t trixie -o Dpkg::Use-Pty=0 libstdc++6 >/dev/null

if has_glibcxx_3_4_32; then
  say "libstdc++6 from Debian 13 installed."
  install_test_tools
else
  echo "setup: installed libstdc++6 from Debian 13 but GLIBCXX_3.4.32 is still missing." >&2
  exit 1
fi
