#!/usr/bin/env bash
# Builds patchbay-sim with profile-guided optimisation and prints the
# binary's path on the last line of its output (exit status 2, and nothing
# on stdout, when llvm-profdata is missing).
#
#   benches/vs-simpy/build-pgo.sh
#
# Same source and release profile as the plain build; only the compiler's
# decisions about inlining, block order and branch layout change. The
# training runs every built-in preset for 120 simulated seconds and never
# the M/M/1 or M/M/4 models the comparison times, so the profile is not
# fitted to the benchmark. llvm-profdata comes with rustup's llvm-tools
# component (`rustup component add llvm-tools`); it is not part of the
# project's toolchain file, to keep everyone else's install as it is.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

HOST="$(rustc -vV | sed -n 's/^host: //p')"
PROFDATA="$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata"
if [ ! -x "$PROFDATA" ]; then
  echo "build-pgo: no llvm-profdata (rustup component add llvm-tools); skipping the PGO build" >&2
  exit 2
fi

# Separate target directories: the flags differ, so sharing target/ would
# rebuild everything each time the plain and PGO builds alternate.
GEN="$ROOT/target/pgo-gen"
USE="$ROOT/target/pgo-use"
DATA="$ROOT/target/pgo-data"
rm -rf "$DATA"
RUSTFLAGS="-Cprofile-generate=$DATA" \
  cargo build --quiet --release --bin patchbay-sim --target-dir "$GEN" >&2

# Training: every preset, run from an empty directory so no file shadows a
# preset's name.
TRAIN="$(mktemp -d)"
(
  cd "$TRAIN"
  for preset in $("$GEN/release/patchbay-sim" presets | awk '{print $1}'); do
    "$GEN/release/patchbay-sim" run "$preset" --until 120 --json >/dev/null
  done
)
rmdir "$TRAIN"
"$PROFDATA" merge -o "$DATA/merged.profdata" "$DATA"

RUSTFLAGS="-Cprofile-use=$DATA/merged.profdata" \
  cargo build --quiet --release --bin patchbay-sim --target-dir "$USE" >&2
echo "$USE/release/patchbay-sim"
