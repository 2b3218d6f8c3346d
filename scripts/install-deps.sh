#!/usr/bin/env bash
# Installs what zeroskip's tests need on a fresh Debian machine: Verilator (co-simulation),
# yosys (resource estimates), a C++ compiler and make (to build verilated models), and the
# speech synthesisers used to build the training corpus (espeak-ng, flite, sox; festival and three
# of its English voices for `zeroskip-train corpus --festival N`; RHVoice, MBROLA, SVOX Pico and
# one more festival voice for `--more-voices N`), and a TrueType font for the text of
# `zeroskip report`'s figures (fonts-dejavu-core).
# The `--more-voices` synthesisers are in Debian's contrib and non-free sections: when they are
# missing and apt has no candidate for them, this script adds those sections of the machine's
# Debian release in /etc/apt/sources.list.d/zeroskip-contrib-non-free.sources.
# Idempotent: installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

# command -> Debian package
declare -A need=(
  [verilator]=verilator
  [yosys]=yosys
  [g++]=g++
  [make]=make
  [espeak-ng]=espeak-ng
  [flite]=flite
  [sox]=sox
  [text2wave]=festival
  [RHVoice-test]="rhvoice rhvoice-english"
  [pico2wave]=libttspico-utils
  [mbrola]=mbrola
)
# festival voice -> Debian package (the voices are folders, not commands)
fest=/usr/share/festival/voices
declare -A voices=(
  [$fest/english/ked_diphone]=festvox-kdlpc16k
  [$fest/english/kal_diphone]=festvox-kallpc16k
  [$fest/us/cmu_us_slt_arctic_hts]=festvox-us-slt-hts
  [$fest/english/rab_diphone]=festvox-rablpc16k
  [/usr/share/mbrola/us1]=mbrola-us1
  [/usr/share/mbrola/us2]=mbrola-us2
  [/usr/share/mbrola/us3]=mbrola-us3
  [/usr/share/mbrola/en1]=mbrola-en1
  [/usr/share/RHVoice/voices/bdl]=rhvoice-english
)

missing=()
for cmd in "${!need[@]}"; do
  # shellcheck disable=SC2206 # a command may need two packages
  command -v "$cmd" >/dev/null 2>&1 || missing+=(${need[$cmd]})
done
for dir in "${!voices[@]}"; do
  [ -d "$dir" ] || missing+=("${voices[$dir]}")
done
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed ($(verilator --version | head -n1); $(yosys -V | head -n1))"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: missing ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
# the --more-voices synthesisers live in contrib and non-free: enable them when apt cannot see them
nonfree_list=/etc/apt/sources.list.d/zeroskip-contrib-non-free.sources
for pkg in "${missing[@]}"; do
  case "$pkg" in
    rhvoice|rhvoice-english|libttspico-utils|mbrola|mbrola-*|festvox-rablpc16k) ;;
    *) continue ;;
  esac
  if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]' && [ ! -f "$nonfree_list" ]; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    echo "install-deps: enabling Debian's contrib and non-free sections ($nonfree_list) for $pkg"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$codename" | $sudo tee "$nonfree_list" >/dev/null
    $sudo apt-get update -qq
  fi
  break
done
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "install-deps: $cmd still missing after apt-get" >&2; exit 1; }
done
for dir in "${!voices[@]}"; do
  [ -d "$dir" ] || { echo "install-deps: $dir still missing after apt-get install ${voices[$dir]}" >&2; exit 1; }
done
echo "install-deps: done ($(verilator --version | head -n1); $(yosys -V | head -n1))"
