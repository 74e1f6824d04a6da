"""Times patchbay-sim and SimPy alternately on the same models and prints
customers per second (median of the runs) and the ratio. Called by run.sh."""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = [
    # name, scenario file, lambda, servers, simulated seconds (about 200,000 customers)
    ("M/M/1", "mm1.json", 0.8, 1, 250_000),
    ("M/M/4", "mm4.json", 3.2, 4, 62_500),
]


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out


def main():
    cli, python, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; {runs} runs of each, alternating")
    for name, scenario, lam, servers, until in MODELS:
        ours_cmd = [cli, "run", os.path.join(HERE, scenario), "--until", str(until), "--json"]
        simpy_cmd = [python, os.path.join(HERE, "mmc.py"), str(lam), str(servers), str(until)]
        ours, theirs, served_ours, served_simpy = [], [], 0, 0
        timed(ours_cmd)  # warm-up: page cache, CPU frequency
        timed(simpy_cmd)
        for _ in range(runs):
            t, out = timed(ours_cmd)
            ours.append(t)
            served_ours = json.loads(out)["services"][0]["completed"]
            t, out = timed(simpy_cmd)
            theirs.append(t)
            served_simpy = json.loads(out)["served"]
        a, b = statistics.median(ours), statistics.median(theirs)
        ratios = sorted(y / x for x, y in zip(ours, theirs))
        print(
            f"{name}: patchbay-sim {served_ours / a / 1e6:.2f} M customers/s (median {a * 1e3:.1f} ms, "
            f"{served_ours} served) · SimPy {served_simpy / b / 1e6:.3f} M customers/s (median {b * 1e3:.0f} ms, "
            f"{served_simpy} served) · ratio {served_ours / a / (served_simpy / b):.0f}× "
            f"(pairwise time ratios {ratios[0]:.0f}–{ratios[-1]:.0f}×)"
        )


if __name__ == "__main__":
    main()
