#!/usr/bin/env bash
# The benchmark suite: `make bench` (full, ~10 min, writes BENCHMARKS.md) or `make bench QUICK=1` (< 2 min
# once built and installed). Builds the release binaries, installs codex-lb into bench/.venv, then runs
# bench/bench.py inside a private network namespace that has only a loopback interface (when the
# machine allows it), so no process of the benchmark can reach anything but 127.0.0.1.
#
# Environment: BENCH_SCRATCH_PATH (SwiftPM scratch path, default .build), BENCH_SKIP_CODEXLB=1,
# CODEX_LB_VERSION (default 1.24.0), BENCH_PYTHON (a Python >= 3.13 for codex-lb).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --quick) MODE=quick; ARGS+=(--quick) ;;
    --skip-codexlb) ARGS+=(--skip-codexlb) ;;
    *) echo "usage: bench/run.sh [--quick] [--skip-codexlb]" >&2; exit 2 ;;
  esac
done
[ "${BENCH_SKIP_CODEXLB:-}" = 1 ] && ARGS+=(--skip-codexlb)
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 1. Release build of the gateway, the load generator and the pick micro-benchmark.
SCRATCH=${BENCH_SCRATCH_PATH:-.build}
say "building release binaries (scratch path $SCRATCH)"
mkdir -p bench/results
# One invocation builds every executable (switchboard, switchboard-load, switchboard-pick-bench): one planning pass.
if ! swift build -c release --scratch-path "$SCRATCH" >bench/results/build.log 2>&1; then
  grep -E 'error:' bench/results/build.log | head -20 >&2 || tail -20 bench/results/build.log >&2
  say "swift build -c release failed (full log: bench/results/build.log)"
  exit 1
fi
for product in switchboard switchboard-load switchboard-pick-bench; do
  [ -x "$SCRATCH/release/$product" ] || { say "missing $SCRATCH/release/$product after the build"; exit 1; }
done
case "$SCRATCH" in /*) BIN=$SCRATCH/release ;; *) BIN=$ROOT/$SCRATCH/release ;; esac

# 2. codex-lb from PyPI into bench/.venv (it needs Python >= 3.13).
CODEX_LB_VERSION=${CODEX_LB_VERSION:-1.24.0}
VENV=$ROOT/bench/.venv
find_python() {
  local candidate
  for candidate in "${BENCH_PYTHON:-}" python3.14 python3.13 "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python3 /usr/local/bin/python3.1[3-9] python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if [[ " ${ARGS[*]-} " != *" --skip-codexlb "* ]]; then
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('codex-lb') != '$CODEX_LB_VERSION')" 2>/dev/null; then
    say "codex-lb $CODEX_LB_VERSION already in bench/.venv"
  elif PY=$(find_python); then
    say "installing codex-lb $CODEX_LB_VERSION from PyPI into bench/.venv (with $PY; takes a few minutes the first time)"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "codex-lb==$CODEX_LB_VERSION" >&2 || { say "pip install codex-lb failed: codex-lb will not be measured"; rm -rf "$VENV"; }
  else
    say "no Python >= 3.13 found (codex-lb requires it): codex-lb will not be measured"
  fi
  if [ -x "$VENV/bin/python" ] && [ ! -f "$VENV/codex-lb-template/store.db" ]; then
    # Its ~100 database migrations take about a minute; run them once, not in every benchmark run.
    say "migrating a template codex-lb database (once)"
    mkdir -p "$VENV/codex-lb-template"
    CODEX_LB_DATA_DIR="$VENV/codex-lb-template" "$VENV/bin/codex-lb-db" upgrade head >/dev/null 2>&1 \
      || { say "codex-lb-db upgrade failed; codex-lb will migrate at startup"; rm -rf "$VENV/codex-lb-template"; }
  fi
fi

# 3. Enough file descriptors for 2,000 streams (client, gateway in + out, mock).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
  say "warning: only $(ulimit -n) file descriptors: workload (d) needs about 6,000"
fi

# 4. Run, in a loopback-only network namespace when possible.
COMMAND="make bench"
[ "$MODE" = quick ] && COMMAND="make bench QUICK=1"
PYTHON=python3
RUN=("$PYTHON" "$ROOT/bench/bench.py" --bin-dir "$BIN" --venv "$VENV" --command-line "$COMMAND" ${ARGS[@]+"${ARGS[@]}"})
if unshare --net true 2>/dev/null; then
  say "running in a private network namespace (loopback only)"
  exec unshare --net -- bash -c 'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; export BENCH_NETNS="private namespace, loopback only"; exec "$@"' bench "${RUN[@]}"
else
  say "unshare --net is not permitted here: running on the host network (all targets are 127.0.0.1)"
  exec "${RUN[@]}"
fi
