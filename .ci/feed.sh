# Sourced by .ci/consumers and perf/package-split.sh, which both build apps from the packages in artifacts/packages as a
# user would: the version under test, the packages made fresh when missing or packed from other sources than the
# working tree's, and a fallback package folder that leaves FiniteMemory's own packages out.
# The caller sets root (the repository), feed (artifacts/packages) and a die function, and turns on nullglob.

feed_expected=(FiniteMemory FiniteMemory.Core FiniteMemory.OpenAI FiniteMemory.Http FiniteMemory.Onnx FiniteMemory.Models.MiniLM FiniteMemory.Local FiniteMemory.Torch FiniteMemory.Evaluation)

# Sets version: FINITEMEMORY_VERSION, or the version the repository's build gives its packages.
feed_version() {
  version=${FINITEMEMORY_VERSION:-$(dotnet msbuild "$root/src/FiniteMemory.Core/FiniteMemory.Core.csproj" -getProperty:PackageVersion 2>/dev/null | tail -1 | tr -d '[:space:]')}
  [ -n "$version" ] || die "could not read the package version (dotnet msbuild src/FiniteMemory.Core -getProperty:PackageVersion); set FINITEMEMORY_VERSION."
}

# The expected packages of this version that the feed lacks, one per line.
feed_missing() { local id; for id in "${feed_expected[@]}"; do [ -f "$feed/$id.$version.nupkg" ] || echo "$id"; done; }

# Whether the feed holds every package of this version, made from the working tree's sources (from any sources when
# FINITEMEMORY_VERSION names the version: the caller asked for those packages).
feed_ready() {
  [ -z "$(feed_missing)" ] && { [ -n "${FINITEMEMORY_VERSION:-}" ] || [ "$(cat "$feed/.source-stamp" 2>/dev/null)" = "$(bash "$root/.ci/source-stamp")" ]; }
}

# feed_prepare LOG: runs .ci/pack (bounded, output to LOG) unless the feed is ready; dies when it fails or the feed
# still lacks a package after it.
feed_prepare() {
  local log=$1
  feed_ready && return 0
  echo "packing first: artifacts/packages lacks $(feed_missing | tr '\n' ' ')or was packed from other sources (log: ${log#"$root/"})"
  mkdir -p "$(dirname "$log")"
  timeout 1800 bash "$root/.ci/pack" >"$log" 2>&1 || { tail -30 "$log" >&2; die ".ci/pack failed (log: ${log#"$root/"})."; }
  [ -z "$(feed_missing)" ] || die "after .ci/pack, artifacts/packages still lacks version $version of: $(feed_missing | tr '\n' ' ')"
}

# feed_fallback DIR: makes DIR a fallback package folder of symbolic links to the machine's package folder, FiniteMemory's
# packages left out, so third-party packages (TorchSharp, libtorch: gigabytes) are read in place, never copied, and an
# old FiniteMemory package there can never stand in for the one just packed. Call it before redirecting NUGET_PACKAGES.
feed_fallback() {
  local dir=$1 global path name
  global=$(dotnet nuget locals global-packages --list 2>/dev/null | sed -n 's/^global-packages: //p' | sed 's:/*$::')
  [ -d "$global" ] || global=$HOME/.nuget/packages
  mkdir -p "$dir"
  for path in "$global"/*/; do
    name=$(basename "$path")
    case $name in finitememory | finitememory.*) ;; *) ln -s "${path%/}" "$dir/$name" ;; esac
  done
}
