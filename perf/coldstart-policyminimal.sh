#!/usr/bin/env bash
# Cold start and peak RSS of the PolicyMinimal sample (aot-samples/PolicyMinimal): the Native AOT binary
# against `dotnet PolicyMinimal.dll` of a Release build. Each run is the whole sample: registries, policy
# and backend created by name, 120 turns through a MemorySession, report and self-checks. Timings from
# hyperfine, peak RSS from GNU time (`-v`, "Maximum resident set size", median of 5 runs).
# Usage: bash perf/coldstart-policyminimal.sh [runs]
source "$(dirname "$0")/common.sh"
runs=${1:-30}

dotnet publish aot-samples/PolicyMinimal -c Release -o artifacts/PolicyMinimal >/dev/null
dotnet build aot-samples/PolicyMinimal -c Release >/dev/null

aot=artifacts/PolicyMinimal/PolicyMinimal
jit="dotnet aot-samples/PolicyMinimal/bin/Release/net10.0/PolicyMinimal.dll"

hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$out/coldstart-policyminimal.md" \
  -n "AOT, PolicyMinimal (120 turns)" "$aot" \
  -n "JIT, PolicyMinimal (120 turns)" "$jit"

echo
for mode in "AOT:$aot" "JIT:$jit"; do
  name=${mode%%:*}; command=${mode#*:}
  sorted=($(for _ in 1 2 3 4 5; do peak_rss_kib $command; done | sort -n))
  echo "$name PolicyMinimal: peak RSS median ${sorted[2]} KiB (5 runs: ${sorted[*]})"
done
echo "AOT binary: $(du -h "$aot" | cut -f1)"
