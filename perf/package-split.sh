#!/usr/bin/env bash
# The split, measured (issue 13, item 4): what each kind of user downloads, ships and starts, side by side in one run.
#
#   bash perf/package-split.sh [runs]      runs: hyperfine runs per app (default 40; from 8 on in 4 rounds,
#                                          each round every app with 3 warm-ups, the apps' order rotated)
#
# One small app per kind of user (perf/split/<App>), built from the packages in artifacts/packages exactly as the
# consumer apps in tests/consumers are (.ci/pack runs first when the feed lacks them), never from project references:
#
#   Custom           FiniteMemory.Core only; the app's own [Backend] IChatClient in the process (Native AOT and JIT)
#   Hosted           the meta package FiniteMemory; the openai backend, created by name, sends the first window to a
#                    loopback fake (perf/fake_openai.py) and gets its reply (Native AOT and JIT)
#   Onnx             FiniteMemory.Onnx; the semantic policy with the MiniLM embedder builds the first window (JIT)
#   Torch            FiniteMemory.Torch; a Torch backend over a tiny GPT-2 the app writes answers the first window (JIT)
#   HostedWithTorch  the Hosted app with FiniteMemory.Torch referenced but unused (JIT; issue 13, item 5)
#   HostedWithLocal  the Hosted app with FiniteMemory.Torch and FiniteMemory.Onnx referenced but unused (JIT)
#
# Every app starts from the same 81-message conversation, builds one window (semantic policy, 600-token budget), prints
# one line about it and exits. Measured per app:
#   package download  the .nupkg sizes of its whole restore closure (FiniteMemory's and third-party), from
#                     obj/project.assets.json and the package folders; the SDK's AOT compiler and runtime packs
#                     (ILCompiler, ILLink, runtime packs) are named apart: every AOT app needs them, once per machine
#   published app     du of the publish folder (-r linux-x64; JIT framework-dependent; no .pdb/.dbg)
#   cold start        hyperfine -N, to the app's exit right after its first window: mean ± standard deviation, and
#                     the CPU time (user + system) of a run, which a busy machine inflates less
#   peak RSS          GNU time, median of 5 runs
#
# Prints a markdown table and writes it to artifacts/perf/package-split.md (logs and builds: artifacts/perf/split).
# Bounded: every publish has a 20-minute timeout, each timing round 15 minutes, each app run 2 minutes. A whole run
# with 40 runs took 6-10 minutes on 2 shared cores (publishing 2-4, timing 4-6), plus ~11 minutes when it must pack.
source "$(dirname "$0")/common.sh"
shopt -s nullglob
runs=${1:-40}
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 2 ] || { echo "usage: bash perf/package-split.sh [runs >= 2]" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1 NUGET_CERT_REVOCATION_MODE=offline

root=$PWD
feed=$root/artifacts/packages
split=$root/artifacts/perf/split
logs=$split/logs
die() { printf 'package-split: %s\n' "$*" >&2; exit 1; }
# Runs a step with a time limit and a log; on failure shows the log's errors and stops.
step() {
  local limit=$1 log=$2; shift 2
  timeout "$limit" "$@" >"$log" 2>&1 && return 0
  local status=$?
  grep -E ': error ' "$log" | sort -u | head -20 >&2; tail -15 "$log" >&2
  die "'$*' failed with exit code $status$([ $status -eq 124 ] && echo " (timed out after $limit)") (log: ${log#"$root/"})"
}
started=$SECONDS

# The packages under test, as .ci/consumers takes them.
source .ci/feed.sh
feed_version
feed_prepare "$root/artifacts/perf/package-split-pack.log"

# Isolation as in .ci/consumers: a package folder of this run's own (FiniteMemory's packages are restored fresh from
# the feed) with the machine's package folder as a fallback, seen through links that leave FiniteMemory's out.
rm -rf "$split"
mkdir -p "$split/nuget" "$logs"
feed_fallback "$split/fallback"
export NUGET_PACKAGES=$split/nuget

# label | app | build | what the app references | kind of user
rows=(
  "custom-aot|Custom|aot|FiniteMemory.Core|Custom backend"
  "custom-jit|Custom|jit|FiniteMemory.Core|Custom backend"
  "hosted-aot|Hosted|aot|FiniteMemory (meta)|Hosted APIs"
  "hosted-jit|Hosted|jit|FiniteMemory (meta)|Hosted APIs"
  "onnx-jit|Onnx|jit|FiniteMemory.Onnx|Local ONNX"
  "torch-jit|Torch|jit|FiniteMemory.Torch|Local Torch"
  "hosted-torch-jit|HostedWithTorch|jit|FiniteMemory + FiniteMemory.Torch, unused|Hosted APIs"
  "hosted-local-jit|HostedWithLocal|jit|FiniteMemory + FiniteMemory.Torch + FiniteMemory.Onnx, unused|Hosted APIs"
)

echo "package-split: FiniteMemory $version from artifacts/packages, $runs runs per app"
for row in "${rows[@]}"; do
  IFS='|' read -r label app build _ <<<"$row"
  mode=()
  [ "$build" = jit ] && mode=(-p:PublishAot=false --self-contained false)
  start=$SECONDS
  step 20m "$logs/$label.publish.log" dotnet publish "perf/split/$app/$app.csproj" -c Release -r linux-x64 "${mode[@]}" \
    "-p:FiniteMemoryVersion=$version" "-p:RestoreAdditionalProjectFallbackFolders=$split/fallback" \
    "-p:ArtifactsPath=$split/build/$label" -o "$split/publish/$label"
  echo "  $label: published in $((SECONDS - start)) s"
done

# The hosted apps' loopback fake, for the whole run.
python3 perf/fake_openai.py >"$split/fake-endpoint" 2>"$logs/fake_openai.log" &
fake=$!
trap 'kill $fake 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$split/fake-endpoint" ] && break; sleep 0.1; done
endpoint=$(head -1 "$split/fake-endpoint")
[ -n "$endpoint" ] || die "the loopback fake did not start (log: ${logs#"$root/"}/fake_openai.log)."
model=$split/tiny-gpt2

command_of() {
  local label=$1 app=$2
  case $app in
    Hosted*) echo "$split/publish/$label/$app $endpoint" ;;
    Torch) echo "$split/publish/$label/$app $model" ;;
    *) echo "$split/publish/$label/$app" ;;
  esac
}

# Each app once (the Torch app writes its model here), so a failure shows before any timing.
commands=()
for row in "${rows[@]}"; do
  IFS='|' read -r label app _ <<<"$row"
  command=$(command_of "$label" "$app")
  timeout 120 $command >"$logs/$label.run.log" 2>&1 || { cat "$logs/$label.run.log" >&2; die "$label failed: $command"; }
  echo "  $label: $(tail -1 "$logs/$label.run.log")"
  commands+=(-n "$label" "$command")
done

# The runs in rounds, each round all apps with the order rotated, so that the load of a shared machine drifting over
# the minutes falls on every app alike; report.py pools the rounds' runs.
rounds=4
[ "$runs" -ge 8 ] || rounds=1
per_round=$(( (runs + rounds - 1) / rounds ))
count=$(( ${#commands[@]} / 3 ))
for round in $(seq "$rounds"); do
  args=()
  for i in $(seq 0 $((count - 1))); do
    j=$(( (i + round - 1) % count ))
    args+=("${commands[@]:$((3 * j)):3}")
  done
  step 15m "$logs/hyperfine-$round.log" hyperfine -N --warmup 3 --runs "$per_round" --export-json "$split/hyperfine-$round.json" "${args[@]}"
  echo "  timing round $round of $rounds: done"
done

: >"$split/rss.tsv"
for row in "${rows[@]}"; do
  IFS='|' read -r label app _ <<<"$row"
  command=$(command_of "$label" "$app")
  readings=$(for _ in 1 2 3 4 5; do peak_rss_kib timeout 120 $command; done | sort -n | paste -sd' ')
  printf '%s\t%s\n' "$label" "$readings" >>"$split/rss.tsv"
done

printf '%s\n' "${rows[@]}" >"$split/rows.txt"
python3 perf/split/report.py "$split" | tee "$out/package-split.md"
echo
echo "package-split: done in $((SECONDS - started)) s (table: artifacts/perf/package-split.md, logs: artifacts/perf/split/logs)"
