#!/usr/bin/env bash
# Idempotent machine setup for VaeCreative.
#
# TorchSharp 0.107 ships a libtorch built against GCC 13's libstdc++
# (symbol version GLIBCXX_3.4.32). Debian 12 ships GCC 12's, so the native
# library fails to load. When (and only when) that symbol is missing we add
# Debian 13 (trixie) as a low-priority apt source (pin 100, so nothing else is
# upgraded from it) and install libstdc++6 from it.
#
# Text training runs sentencepiece's spm_train (Debian package `sentencepiece`): installed when missing.
# --test-tools adds python3-mido and python3-pil (the independent MIDI and PNG readers the tests check outputs with)
# and mma (which renders the drums model's training grooves; a test renders a tiny one) and wamerican (the word list
# eval --variations counts real words against; --text-corpus adds it too);
# --fortunes adds Debian's `fortunes` (the text the bundled text model is trained on); --images adds
# `dataset-fashion-mnist` and `crawl-tiles-data` (the image models' training data, issue 10); --preview adds
# `fluidsynth` and `timgm6mb-soundfont` (a 6 MB General MIDI soundfont) for WAV previews of melodies, without
# their recommended packages (qsynth would bring Qt); --browser adds `chromium` and `chromium-driver` (the headless
# browser the studio page's tests drive with Selenium), without their recommended packages; --text-corpus adds the game
# data packages scripts/extract-flavour-text.py reads (wesnoth-1.16-data and the 16 official campaign packages
# wesnoth-1.16-httt etc., cataclysm-dda-data, nethack-common, angband, freeciv-data, fortunes) and CMU's link grammar
# parser (python3-link-grammar, link-grammar-dictionaries-en: scripts/grammar-check.py); --sprite-corpus adds the
# game data packages scripts/extract-sprites.py reads (crawl-tiles-data, cataclysm-dda-data, flare-game, hedgewars-data,
# supertux-data, wesnoth-1.16-data, openttd-opengfx, fonts-noto-color-emoji) and python3-fonttools and python3-pil.
#
# Fast path: a single `grep` on the installed libstdc++ and `command -v` checks when nothing is needed.
set -euo pipefail

quiet=0
test_tools=0
fortunes=0
images=0
preview=0
browser=0
text_corpus=0
sprite_corpus=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --test-tools) test_tools=1 ;; # also python3-mido, the independent MIDI parser the tests check outputs with
    --fortunes) fortunes=1 ;;     # also Debian's fortunes, the bundled text model's training data
    --images) images=1 ;;         # also Fashion-MNIST and Crawl's tiles, the image models' training data
    --preview) preview=1 ;;       # also fluidsynth and a General MIDI soundfont, for WAV previews
    --browser) browser=1 ;;       # also chromium and chromedriver, for the studio page's browser tests
    --text-corpus) text_corpus=1 ;; # also the game data packages scripts/extract-flavour-text.py reads
    --sprite-corpus) sprite_corpus=1 ;; # also the game data packages scripts/extract-sprites.py reads
    *) echo "setup: unknown option $arg (use --quiet, --test-tools, --fortunes, --images, --preview, --browser, --text-corpus, --sprite-corpus)" >&2; exit 2 ;;
  esac
done
say() { [[ $quiet == 1 ]] || echo "setup: $*" >&2; }

if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive

# Any General MIDI soundfont WAV previews find without being told (SoundfontSynthOptions.WellKnownSoundfonts).
has_gm_soundfont() {
  local f
  for f in /usr/share/sounds/sf2/default-GM.sf2 /usr/share/sounds/sf2/FluidR3_GM.sf2 /usr/share/sounds/sf2/TimGM6mb.sf2 \
           /usr/share/sounds/sf3/default-GM.sf3 /usr/share/sounds/sf3/MuseScore_General.sf3 \
           /usr/share/soundfonts/default.sf2 /usr/share/soundfonts/FluidR3_GM.sf2; do
    [[ -f "$f" ]] && return 0
  done
  return 1
}

# Installs the packages that are missing: sentencepiece (spm_train, for text training) always, python3-mido and
# python3-pil with --test-tools, fortunes with --fortunes, the image data with --images, in one apt-get run; then
# fluidsynth and a soundfont with --preview and chromium with --browser, in a second run without recommended packages. Without apt-get or root
# it says what is missing and goes on: melodies work without them, text training and WAV previews say what to install.
install_packages() {
  local missing=() lean=()
  command -v spm_train >/dev/null 2>&1 || missing+=(sentencepiece)
  if [[ $test_tools == 1 ]] && ! /usr/bin/python3 -c 'import mido' >/dev/null 2>&1; then missing+=(python3-mido); fi
  if [[ $test_tools == 1 ]] && ! /usr/bin/python3 -c 'import PIL' >/dev/null 2>&1; then missing+=(python3-pil); fi
  if [[ $test_tools == 1 ]] && ! command -v mma >/dev/null 2>&1; then missing+=(mma); fi
  # wamerican: the word list eval --variations counts real words against (its tests need it).
  if [[ ($test_tools == 1 || $text_corpus == 1) && ! -f /usr/share/dict/american-english ]]; then missing+=(wamerican); fi
  if [[ $fortunes == 1 && ! -f /usr/share/games/fortunes/fortunes ]]; then missing+=(fortunes); fi
  if [[ $images == 1 && ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then missing+=(dataset-fashion-mnist); fi
  if [[ $images == 1 && ! -f /usr/share/crawl/dat/tiles/main.png ]]; then missing+=(crawl-tiles-data); fi
  if [[ $text_corpus == 1 ]]; then
    local p
    for p in wesnoth-1.16-data cataclysm-dda-data nethack-common angband freeciv-data fortunes python3-link-grammar link-grammar-dictionaries-en \
        wesnoth-1.16-{did,dm,dw,ei,httt,l,low,nr,sof,sota,sotbe,thot,trow,tsg,ttb,utbs}; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
    done
  fi
  if [[ $sprite_corpus == 1 ]]; then
    local q
    for q in crawl-tiles-data cataclysm-dda-data flare-game hedgewars-data supertux-data wesnoth-1.16-data openttd-opengfx \
        fonts-noto-color-emoji python3-fonttools python3-pil; do
      dpkg-query -W -f='${Status}' "$q" 2>/dev/null | grep -q ' installed$' || missing+=("$q")
    done
  fi
  if [[ $preview == 1 ]] && ! command -v fluidsynth >/dev/null 2>&1; then lean+=(fluidsynth); fi
  if [[ $preview == 1 ]] && ! has_gm_soundfont; then lean+=(timgm6mb-soundfont); fi
  if [[ $browser == 1 ]] && ! command -v chromium >/dev/null 2>&1; then lean+=(chromium); fi
  if [[ $browser == 1 ]] && ! command -v chromedriver >/dev/null 2>&1; then lean+=(chromium-driver); fi
  local all=("${missing[@]}" "${lean[@]}")
  [[ ${#all[@]} -gt 0 ]] || return 0
  if ! command -v apt-get >/dev/null || { [[ -n "$SUDO" ]] && ! command -v sudo >/dev/null; }; then
    say "not installed: ${all[*]} (no apt-get, or no root/sudo); text training needs sentencepiece, WAV previews need fluidsynth and a soundfont, the studio's browser tests are skipped without chromium, and the independent MIDI check is skipped without python3-mido."
    return 0
  fi
  say "installing ${all[*]}."
  $SUDO apt-get update -qq -o Dpkg::Use-Pty=0 >/dev/null
  if [[ ${#missing[@]} -gt 0 ]]; then $SUDO apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null; fi
  if [[ ${#lean[@]} -gt 0 ]]; then $SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600 "${lean[@]}" >/dev/null; fi
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
  say "libstdc++ provides GLIBCXX_3.4.32; no libstdc++ change needed."
  install_packages
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
  install_packages
else
  echo "setup: installed libstdc++6 from Debian 13 but GLIBCXX_3.4.32 is still missing." >&2
  exit 1
fi
