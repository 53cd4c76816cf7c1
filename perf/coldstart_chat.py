#!/usr/bin/env python3
"""Cold start of `fmem chat` to its first request, against `fmem replay` in the same run.

A loopback OpenAI-compatible server (this script) notes when each chat request arrives; the time from starting the
fmem process to that moment is the cold start to first request. `fmem replay` of the sample transcript, timed from
process start to exit, is the peer. Usage: coldstart_chat.py FMEM TRANSCRIPT RUNS
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

import fake_openai

fmem, transcript, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
arrived = threading.Event()
arrival = [0.0]

CHUNK = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
         "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi."}, "finish_reason": "stop"}]}
USAGE = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [],
         "usage": {"prompt_tokens": 20, "completion_tokens": 2, "total_tokens": 22}}
BODY = ("data: " + json.dumps(CHUNK) + "\n\n" + "data: " + json.dumps(USAGE) + "\n\ndata: [DONE]\n\n").encode()


def note_arrival():
    arrival[0] = time.perf_counter()
    arrived.set()


server, endpoint = fake_openai.start(BODY, "text/event-stream", note_arrival)
env = dict(os.environ, OPENAI_API_KEY="sk-coldstart")


def chat(policy):
    arrived.clear()
    start = time.perf_counter()
    p = subprocess.Popen([fmem, "chat", "--backend", "openai", "--endpoint", endpoint, "--model", "m",
                          "--policy", policy, "--budget", "4000", "--system", "Be brief."],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    p.stdin.write(b"hello\n")
    p.stdin.close()
    if not arrived.wait(30):
        raise SystemExit("fmem chat sent no request")
    first = arrival[0] - start
    p.wait()
    return first * 1000, (time.perf_counter() - start) * 1000


def replay():
    start = time.perf_counter()
    subprocess.run([fmem, "replay", transcript, "--budget", "4000", "--json"], stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


results = {"chat sliding: start to first request": [], "chat sliding: whole one-turn session": [],
           "chat hybrid: start to first request": [], "replay sample (320 messages), sliding: start to exit": []}
for _ in range(3):  # warm the file cache
    chat("sliding"); replay()
for _ in range(runs):
    first, whole = chat("sliding")
    results["chat sliding: start to first request"].append(first)
    results["chat sliding: whole one-turn session"].append(whole)
    results["chat hybrid: start to first request"].append(chat("hybrid")[0])
    results["replay sample (320 messages), sliding: start to exit"].append(replay())

peer = statistics.mean(results["replay sample (320 messages), sliding: start to exit"])
print(f"| Measurement ({runs} runs each, interleaved) | Mean | Median | vs replay |")
print("| --- | ---: | ---: | ---: |")
for name, values in results.items():
    mean = statistics.mean(values)
    print(f"| {name} | {mean:.1f} ± {statistics.stdev(values):.1f} ms | {statistics.median(values):.1f} ms | {mean / peer:.2f} |")
server.shutdown()
