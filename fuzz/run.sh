#!/bin/sh
# fuzz/run.sh TARGET SECONDS — build the libFuzzer target (once) and fuzz it for SECONDS,
# starting from a temporary copy of fuzz/corpus/TARGET so the repository does not grow.
# Exits non-zero when the target crashes or breaks an invariant; the input that did it is
# kept in BUILD/artifacts/. BUILD is $WHVEMU_FUZZ_BUILD_DIR, default build-fuzz/.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: fuzz/run.sh fuzz_decode|fuzz_emulate SECONDS" >&2
    exit 2
fi
target=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WHVEMU_FUZZ_BUILD_DIR:-$root/build-fuzz}
corpus=$root/fuzz/corpus/$target
if [ ! -d "$corpus" ]; then
    echo "fuzz/run.sh: no corpus for \"$target\" in fuzz/corpus/" >&2
    exit 2
fi

# The whole tree is instrumented (fuzzer-no-link) so libFuzzer sees the library's coverage
# and the sanitizers check its code; the target adds -fsanitize=fuzzer itself.
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DWHVEMU_BUILD_FUZZ=ON -DWHVEMU_BUILD_TESTS=OFF -DWHVEMU_BUILD_TOOLS=OFF \
        -DCMAKE_C_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all"
fi
cmake --build "$build" --target "$target" -j2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cp -R "$corpus" "$work/corpus"
mkdir -p "$build/artifacts"

# -timeout catches an emulation that loops without calling back; the targets' budget
# catches one that loops through callbacks. Inputs beyond 1 KiB add nothing the world
# stream needs.
if "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=1024 -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$work/corpus"; then
    echo "fuzz/run.sh: $target ran $seconds s without finding a problem"
else
    status=$?
    echo "fuzz/run.sh: $target FAILED (exit $status); reproducer in $build/artifacts/:" >&2
    ls -t "$build/artifacts" | head -3 >&2
    exit 1
fi
