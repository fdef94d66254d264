"""Grain call latency from Python through deror-py: IHelloGrain.GetGreetingCount, timed call by call.

    deror-py examples/pyhost_latency.py     # against DEROR_GATEWAY / DEROR_CLUSTER_ID

Reads a number N per line on stdin, makes N calls and answers with one line: each call's time in nanoseconds,
space-separated. examples/PyHostBenchmark drives it in rounds that alternate with the same calls from the .NET
client, so both sides see the same machine, and reports the p50 ratio.
"""

import sys
import time

import deror


def main():
    greeter = deror.grain("IHelloGrain", "latency")
    clock = time.perf_counter_ns
    for line in sys.stdin:
        samples = []
        for _ in range(int(line)):
            started = clock()
            greeter.get_greeting_count()
            samples.append(clock() - started)
        print(" ".join(map(str, samples)), flush=True)


main()
