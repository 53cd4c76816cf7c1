# Shared by the cold-start scripts: run from the repository root, an output folder, hyperfine and GNU time
# (installed from Debian when missing), and one peak-RSS reading.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=artifacts/perf
mkdir -p "$out"

if ! command -v hyperfine >/dev/null || [ ! -x /usr/bin/time ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine time >/dev/null
fi

# Peak resident set size of one run of the command, in KiB (GNU time's "Maximum resident set size").
peak_rss_kib() {
  /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -n 1
}
