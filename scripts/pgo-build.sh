#!/usr/bin/env bash
# Profile-guided release build of `testigo` and `testigo-bench` (rustc's PGO: an instrumented
# build is run over training texts, then the release build is compiled with the recorded
# branch and call counts, which guide inlining and code layout). Extraction's output is the
# same byte for byte; only its speed changes (under callgrind, about 9% fewer instructions on
# the ACLED notes, which are not among the training texts).
#
# Usage: scripts/pgo-build.sh        (from anywhere; about 9 minutes on two cores)
# Result: target/pgo/use/<host triple>/release/{testigo,testigo-bench}
#
# Needs `llvm-profdata` of LLVM 19 or newer (Debian: `apt-get install llvm-19`), which reads
# the raw profiles of rustc 1.95's LLVM 22. Exits 2, naming what is missing, when there is none.
#
# Training texts: the bundled example reports, and, when `../shared` is beside the repository,
# its seed report, the linking reports and the phenomenon cases (short texts in English and
# Spanish). The ACLED notes that the benchmark measures are deliberately left out, so that the
# figure measured on them is not a figure of the training set.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

profdata=""
for c in llvm-profdata-22 llvm-profdata-21 llvm-profdata-20 llvm-profdata-19 \
  /usr/lib/llvm-22/bin/llvm-profdata /usr/lib/llvm-21/bin/llvm-profdata \
  /usr/lib/llvm-20/bin/llvm-profdata /usr/lib/llvm-19/bin/llvm-profdata; do
  if command -v "$c" >/dev/null 2>&1; then profdata=$(command -v "$c"); break; fi
done
if [ -z "$profdata" ]; then
  echo "pgo-build: no llvm-profdata of LLVM 19 or newer (Debian: apt-get install llvm-19)" >&2
  exit 2
fi

# With an explicit --target, RUSTFLAGS reach only the target's code: build scripts (the
# gazetteer's index builder) and proc macros are neither instrumented nor profiled.
host=$(rustc -vV | sed -n 's/^host: //p')
dir=target/pgo
rm -rf "$dir/profiles"
mkdir -p "$dir/profiles"

echo "pgo-build: 1/3 instrumented build ($host)" >&2
RUSTFLAGS="-Cprofile-generate=$root/$dir/profiles" \
  cargo build --release --locked --target "$host" --target-dir "$dir/gen" \
  -p testigo-cli --bin testigo --bin testigo-bench

echo "pgo-build: 2/3 training" >&2
gen="$dir/gen/$host/release"
train=(examples/reports)
for d in ../shared/data/seed ../shared/data/linking; do
  if [ -d "$d" ]; then train+=("$d"); fi
done
# The library and the `testigo extract` contract over the reports (fixed rounds, no timing).
TESTIGO_BENCH_ROUNDS=3 "$gen/testigo-bench" "${train[@]}" >/dev/null
# Short texts in both languages, through the same code path as `testigo extract`.
if [ -f ../shared/data/cases_dev.jsonl ]; then
  for _ in 1 2 3; do
    "$gen/testigo" eval --cases ../shared/data/cases_dev.jsonl >/dev/null
  done
fi

echo "pgo-build: 3/3 release build with the profile ($profdata)" >&2
"$profdata" merge -o "$dir/testigo.profdata" "$dir/profiles"
RUSTFLAGS="-Cprofile-use=$root/$dir/testigo.profdata" TESTIGO_BUILD="profile-guided (scripts/pgo-build.sh)" \
  cargo build --release --locked --target "$host" --target-dir "$dir/use" \
  -p testigo-cli --bin testigo --bin testigo-bench
echo "pgo-build: done: $dir/use/$host/release/testigo and testigo-bench" >&2
