#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every test of the workspace,
# Verilator co-simulation and the training smoke tests (burn, espeak-ng, flite) included.
# Usage: bash scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo fmt --all -- --check
cargo test --workspace "$@"
