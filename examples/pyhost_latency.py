"""Grain call latency from Python through deror-py: p50/p90/p99 of IHelloGrain.GetGreetingCount.

    deror-py examples/pyhost_latency.py [CALLS]     # against DEROR_GATEWAY / DEROR_CLUSTER_ID

Prints one line, ``python p50_us=... p90_us=... p99_us=... calls=...``; examples/PyHostBenchmark runs it
next to the same call from the .NET client and reports the ratio.
"""

import sys
import time

import deror


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    greeter = deror.grain("IHelloGrain", "latency")
    for _ in range(max(500, calls // 10)):  # warm up: connection, JIT, reflection caches
        greeter.get_greeting_count()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(calls):
        started = clock()
        greeter.get_greeting_count()
        samples.append(clock() - started)
    samples.sort()
    print(" ".join([
        "python",
        f"p50_us={percentile(samples, 0.50) / 1000:.1f}",
        f"p90_us={percentile(samples, 0.90) / 1000:.1f}",
        f"p99_us={percentile(samples, 0.99) / 1000:.1f}",
        f"calls={calls}",
    ]))


main()
