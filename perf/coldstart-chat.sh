#!/usr/bin/env bash
# Cold start of the Native AOT `fmem chat` to its first request (a loopback OpenAI-compatible server in
# coldstart_chat.py notes when the request arrives), with `fmem replay` of the sample timed in the same run as
# the peer. Usage: bash perf/coldstart-chat.sh [runs]
source "$(dirname "$0")/common.sh"
runs=${1:-20}

dotnet publish aot-samples/fmem -c Release -o artifacts/fmem >/dev/null
python3 perf/coldstart_chat.py artifacts/fmem/fmem samples/trip-planner.jsonl "$runs" | tee "$out/coldstart-chat.md"
