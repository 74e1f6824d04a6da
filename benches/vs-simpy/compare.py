"""Times patchbay-sim builds and SimPy alternately on the same models and
prints customers per second (median of the runs) and the ratios. Called by
run.sh as: compare.py PYTHON RUNS LABEL=CLI [LABEL=CLI ...]"""
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
    python, runs = sys.argv[1], int(sys.argv[2])
    clis = [arg.split("=", 1) for arg in sys.argv[3:]]
    load = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; {runs} runs of each, "
        f"alternating; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    for name, scenario, lam, servers, until in MODELS:
        simpy_cmd = [python, os.path.join(HERE, "mmc.py"), str(lam), str(servers), str(until)]
        cmds = {label: [cli, "run", os.path.join(HERE, scenario), "--until", str(until), "--json"] for label, cli in clis}
        times = {label: [] for label in cmds}
        theirs, served, served_simpy = [], {}, 0
        for cmd in cmds.values():  # warm-up: page cache, CPU frequency
            timed(cmd)
        timed(simpy_cmd)
        for _ in range(runs):
            for label, cmd in cmds.items():
                t, out = timed(cmd)
                times[label].append(t)
                served[label] = json.loads(out)["services"][0]["completed"]
            t, out = timed(simpy_cmd)
            theirs.append(t)
            served_simpy = json.loads(out)["served"]
        b = statistics.median(theirs)
        print(f"{name}: SimPy {served_simpy / b / 1e6:.3f} M customers/s (median {b * 1e3:.0f} ms, {served_simpy} served)")
        for label, ours in times.items():
            a = statistics.median(ours)
            ratios = sorted(y / x for x, y in zip(ours, theirs))
            print(
                f"  {label}: {served[label] / a / 1e6:.2f} M customers/s (median {a * 1e3:.1f} ms, "
                f"{served[label]} served) · ratio {served[label] / a / (served_simpy / b):.0f}× "
                f"(pairwise time ratios {ratios[0]:.0f}–{ratios[-1]:.0f}×)"
            )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
