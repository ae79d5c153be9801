#!/usr/bin/env bash
# libFuzzer over the hand-written parsers and translators: builds each target from its source files
# (one module, `swiftc -sanitize=fuzzer,address`) and runs it on the committed seed corpus for
# SECONDS seconds. Crashes are saved in .build/fuzz/<target>/ and fail the run.
# Usage: Fuzz/run.sh [SECONDS] [TARGET...]   (targets: json sse chat; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
if [ $# -gt 0 ]; then targets=("$@"); else targets=(json sse chat); fi
SWIFTC="${SWIFTC:-swiftc}"
out=.build/fuzz
mkdir -p "$out"

sources() {
    local json=(Sources/SwitchboardCore/JSONValue.swift Sources/SwitchboardCore/JSONValue+Parsing.swift Sources/SwitchboardCore/JSONValue+Encoding.swift)
    case "$1" in
        json) echo "${json[@]}" ;;
        sse) echo Sources/SwitchboardUpstream/SSEParser.swift Sources/SwitchboardUpstream/SSEEvent.swift ;;
        chat) echo "${json[@]}" $(find Sources/SwitchboardChat -name '*.swift' | sort) ;;
        *) echo "unknown fuzz target: $1" >&2; exit 2 ;;
    esac
}

for target in "${targets[@]}"; do
    # One module: the cross-module imports of the copied files are dropped.
    work="$out/$target"
    rm -rf "$work/src" && mkdir -p "$work/src" "$work/corpus" "$work/crashes"
    for file in $(sources "$target") "Fuzz/targets/$target.swift"; do
        sed -e '/^import Switchboard/d' "$file" > "$work/src/$(echo "$file" | tr '/' '_')"
    done
    echo "building fuzz-$target"
    if ! "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -module-name Fuzz$target -O -g "$work"/src/*.swift -o "$work/fuzz-$target" > "$work/build.log" 2>&1; then
        cat "$work/build.log" >&2
        exit 1
    fi
    echo "running fuzz-$target for ${seconds}s"
    "$work/fuzz-$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/crashes/" -print_final_stats=1 "$work/corpus" Fuzz/corpus/"$target" 2>&1 | tail -n 15
done
