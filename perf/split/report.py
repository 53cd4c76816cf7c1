#!/usr/bin/env python3
"""The markdown tables of perf/package-split.sh, from what it left in its folder: rows.txt (label|app|build|references|
kind), build/<label>/obj/<app>/project.assets.json (the restore closure), publish/<label>/, hyperfine-<round>.json
(the runs of each round, pooled here) and rss.tsv. Usage: report.py SPLIT_FOLDER"""
import datetime
import glob
import json
import math
import os
import statistics
import subprocess
import sys

split = sys.argv[1]
# Packages the SDK adds to any Native AOT or trimmed app for its build tools (besides the runtime packs it downloads,
# the assets' downloadDependencies): downloaded once per machine, not shipped.
TOOLING = ("microsoft.dotnet.ilcompiler", "runtime.linux-x64.microsoft.dotnet.ilcompiler", "microsoft.net.illink.tasks")


def mb(size):
    return f"{size / 1e6:,.1f} MB"


def closure(label, app):
    """(FiniteMemory bytes, third-party bytes, package count, tooling bytes, largest third-party) of the restore closure."""
    assets = json.load(open(os.path.join(split, "build", label, "obj", app, "project.assets.json"), encoding="utf-8"))
    folders = list(assets["packageFolders"])

    def nupkg_size(name, version):
        path = f"{name.lower()}/{version.lower()}"
        for folder in folders:
            nupkg = os.path.join(folder, path, f"{name.lower()}.{version.lower()}.nupkg")
            if os.path.exists(nupkg):
                return os.path.getsize(nupkg)
        sys.exit(f"report: no .nupkg for {name} {version} ({label}) in {folders}")

    ours = theirs = tooling = count = 0
    largest = []
    for framework in assets["project"]["frameworks"].values():
        for download in framework.get("downloadDependencies", []):
            tooling += nupkg_size(download["name"], download["version"].strip("[]").split(",")[0].strip())
    for key, library in assets["libraries"].items():
        if library["type"] != "package":
            continue
        name, version = key.split("/")
        size = nupkg_size(name, version)
        if name.lower() in TOOLING:
            tooling += size
        elif name.lower() == "finitememory" or name.lower().startswith("finitememory."):
            ours += size
            count += 1
        else:
            theirs += size
            count += 1
            largest.append((size, name))
    return ours, theirs, count, tooling, sorted(largest, reverse=True)[:3]


def du(folder):
    return int(subprocess.run(["du", "-sb", folder], capture_output=True, text=True, check=True).stdout.split()[0])


def ms(seconds):
    return f"{seconds * 1000:,.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


rows = [line.rstrip("\n").split("|") for line in open(os.path.join(split, "rows.txt"), encoding="utf-8") if line.strip()]
rounds = sorted(glob.glob(os.path.join(split, "hyperfine-*.json")))
pooled = {}
for path in rounds:
    for result in json.load(open(path, encoding="utf-8"))["results"]:
        times, cpu = pooled.setdefault(result["command"], ([], []))
        times.extend(result["times"])
        cpu.extend([result["user"] + result["system"]] * len(result["times"]))
timings = {label: {"mean": statistics.mean(times), "stddev": statistics.stdev(times), "cpu": statistics.mean(cpu), "runs": len(times)}
           for label, (times, cpu) in pooled.items()}
runs = min(t["runs"] for t in timings.values())
rss = {}
for line in open(os.path.join(split, "rss.tsv"), encoding="utf-8"):
    label, readings = line.rstrip("\n").split("\t")
    values = sorted(int(v) for v in readings.split())
    rss[label] = values[len(values) // 2]

print(f"Measured {datetime.date.today().isoformat()} by `bash perf/package-split.sh {runs}`: hyperfine, {runs} runs per app in "
      f"{len(rounds)} round(s), all apps in each, 3 warm-ups per round (mean ± standard deviation of all runs; CPU time is "
      "user + system); peak RSS from GNU time, median of 5 runs; MB = 10⁶ bytes.")
print()
print("| Kind of user | References | Build | Package download | Published app | Cold start to first window | CPU time | Peak RSS |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
tooling_sizes, details, downloads = set(), {}, {}
for label, app, build, references, kind in rows:
    ours, theirs, count, tooling, largest = closure(label, app)
    details[label] = largest
    downloads[label] = ours + theirs
    if tooling:
        tooling_sizes.add(tooling)
    if "unused" in references:
        continue  # in the table of item 5 below
    t = timings[label]
    build_name = "Native AOT" if build == "aot" else "JIT"
    print(f"| {kind} | {references} | {build_name} | {mb(ours + theirs)} ({count} packages; FiniteMemory's {mb(ours)}) "
          f"| {mb(du(os.path.join(split, 'publish', label)))} | {ms(t['mean'])} ± {ms(t['stddev'])} ms | {ms(t['cpu'])} ms "
          f"| {rss[label] / 1024:,.1f} MiB |")

print()
print("Largest third-party packages in each closure:")
print()
for label, *_ in rows:
    largest = details[label]
    print(f"- {label}: " + ", ".join(f"{name} {mb(size)}" for size, name in largest))
if tooling_sizes:
    print()
    print(f"Not counted above: a Native AOT publish also restores the SDK's compiler and runtime packs (ILCompiler, ILLink, "
          f"the linux-x64 runtime packs: {mb(max(tooling_sizes))}), once per machine for every AOT app; they build the "
          "binary and are not shipped as packages.")

# Issue 13, item 5: the hosted app's cold start with the local packages referenced but unused.
jit = [r for r in rows if r[4] == "Hosted APIs" and r[2] == "jit"]
if len(jit) > 1:
    base = timings[jit[0][0]]
    print()
    print("Hosted app (JIT), with local backends referenced but unused (same run):")
    print()
    print("| References | Package download | Published app | Cold start to first window | Difference | CPU time | Peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, app, build, references, kind in jit:
        t = timings[label]
        difference = "—" if label == jit[0][0] else \
            f"{(t['mean'] - base['mean']) * 1000:+,.1f} ± {math.hypot(t['stddev'], base['stddev']) * 1000:,.1f} ms"
        print(f"| {references} | {mb(downloads[label])} | {mb(du(os.path.join(split, 'publish', label)))} | {ms(t['mean'])} ± {ms(t['stddev'])} ms "
              f"| {difference} | {ms(t['cpu'])} ms | {rss[label] / 1024:,.1f} MiB |")
