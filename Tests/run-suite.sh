#!/usr/bin/env bash
# `make test`'s `swift test`, with a deadline. The suite takes well under a minute; a run that outlives
# the deadline has hung (once about 1 run in 8 on a loaded 2-core machine: a test WebSocket client that
# lost a frame, fixed; kept as a guard). Such a run is reported with the tests that started and never
# finished, killed (the test process too, which `timeout` alone would orphan), and run once more.
# A failing test is never retried.
set -uo pipefail
DEADLINE=${TEST_DEADLINE:-600}
SWIFT=${SWIFT:-swift}
for attempt in 1 2; do
    log=$(mktemp -t switchboard-tests.XXXXXX)
    # Line-buffered, so the log holds every test that started when a hung run is killed.
    timeout --kill-after=10 "$DEADLINE" stdbuf -oL -eL "$SWIFT" test --skip-build "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    if [[ $status -ne 124 && $status -ne 137 ]]; then
        rm -f "$log"
        exit "$status"
    fi
    pkill -KILL -f 'switchboardPackageTests.xctest' 2>/dev/null || true
    echo "run-suite: swift test did not end within ${DEADLINE}s (attempt $attempt); started and never finished:" >&2
    comm -23 <(sed -n 's/^◇ Test \([^ ]*\) started\.$/\1/p' "$log" | sort -u) \
             <(sed -n -E 's/^(✔|✘) Test ([^ ]*) .*/\2/p' "$log" | sort -u) | grep -vx run | sed 's/^/  /' >&2
    rm -f "$log"
done
exit 1
