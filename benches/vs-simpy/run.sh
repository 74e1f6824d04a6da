#!/usr/bin/env bash
# Patchbay's CLI against SimPy on M/M/1 and M/M/4, whole process, in one run
# on this machine: builds patchbay-sim (the release profile users get, and a second
# time with profile-guided optimisation when llvm-profdata is there; see
# build-pgo.sh), puts a pinned SimPy in a local virtual environment, then
# times them in turn (the order rotating each round) and prints medians and the ratios
# of medians.
#
#   benches/vs-simpy/run.sh [RUNS]     (default 7 runs of each command)
#
# Not part of the test command: it measures, it does not assert.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-7}"
SIMPY_VERSION="4.1.1"

cd "$ROOT"
# The release profile, as users build the CLI (`cargo run --release`); the
# wasm download has its own size-tuned profile, `wasm-release`.
cargo build --quiet --release --bin patchbay-sim
CLI="$ROOT/target/release/patchbay-sim"
CLIS=("plain=$CLI")
if PGO="$("$HERE/build-pgo.sh" | tail -n 1)" && [ -x "$PGO" ]; then
  CLIS+=("pgo=$PGO")
fi

VENV="$HERE/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet "simpy==$SIMPY_VERSION"
fi

exec "$VENV/bin/python" "$HERE/compare.py" "$VENV/bin/python" "$RUNS" "${CLIS[@]}"
