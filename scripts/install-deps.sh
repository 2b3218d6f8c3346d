#!/usr/bin/env bash
# Installs what zeroskip's tests need on a fresh Debian machine: Verilator (co-simulation),
# yosys (resource estimates), a C++ compiler and make (to build verilated models), and the
# speech synthesisers used to build the training corpus (espeak-ng, flite, sox; festival and three
# of its English voices for `zeroskip-train corpus --festival N`), and a TrueType font for the
# text of `zeroskip report`'s figures (fonts-dejavu-core).
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
)
# festival voice -> Debian package (the voices are folders, not commands)
fest=/usr/share/festival/voices
declare -A voices=(
  [$fest/english/ked_diphone]=festvox-kdlpc16k
  [$fest/english/kal_diphone]=festvox-kallpc16k
  [$fest/us/cmu_us_slt_arctic_hts]=festvox-us-slt-hts
)

missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
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
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "install-deps: $cmd still missing after apt-get" >&2; exit 1; }
done
for dir in "${!voices[@]}"; do
  [ -d "$dir" ] || { echo "install-deps: $dir still missing after apt-get install ${voices[$dir]}" >&2; exit 1; }
done
echo "install-deps: done ($(verilator --version | head -n1); $(yosys -V | head -n1))"
