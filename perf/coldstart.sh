#!/usr/bin/env bash
# Cold start of `fmem replay`: the Native AOT binary against the same command under JIT, on the sample
# conversation (320 messages) and on a 1,000-message transcript, with hyperfine (installed from Debian if
# missing) and peak RSS from GNU time. Usage: bash perf/coldstart.sh [runs]
source "$(dirname "$0")/common.sh"
runs=${1:-30}

dotnet publish aot-samples/fmem -c Release -o artifacts/fmem >/dev/null
dotnet build aot-samples/fmem -c Release >/dev/null
dotnet build perf/FiniteMemory.Benchmarks -c Release >/dev/null
dotnet perf/FiniteMemory.Benchmarks/bin/Release/net10.0/FiniteMemory.Benchmarks.dll make-transcript 1000 "$out/long-1000.jsonl"

aot=artifacts/fmem/fmem
jit="dotnet aot-samples/fmem/bin/Release/net10.0/fmem.dll"
sample=samples/trip-planner.jsonl
long=$out/long-1000.jsonl
args="--budget 4000 --json"

hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$out/coldstart.md" \
  -n "AOT, sample (320 messages)" "$aot replay $sample $args" \
  -n "JIT, sample (320 messages)" "$jit replay $sample $args" \
  -n "AOT, 1,000 messages" "$aot replay $long $args" \
  -n "JIT, 1,000 messages" "$jit replay $long $args" \
  -n "AOT, process start only (missing file)" "$aot replay /nonexistent.jsonl $args" -i

echo
for mode in "AOT:$aot" "JIT:$jit"; do
  name=${mode%%:*}; command=${mode#*:}
  for file in "$sample" "$long"; do
    echo "$name $(basename "$file"): peak RSS $(peak_rss_kib $command replay "$file" $args) KiB"
  done
done
echo "AOT binary: $(du -h "$aot" | cut -f1)"
