"""Times patchbay-sim builds and SimPy in turn on the same models and
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
    """Wall time, CPU time (user + system) and standard output of one run.
    CPU time is the steadier figure when other work shares the machine."""
    start = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as p:
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        raise subprocess.CalledProcessError(p.returncode, cmd)
    return wall, usage.ru_utime + usage.ru_stime, out


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
        # The order turns each round (A B S, B S A, S A B, …) so every
        # command follows SimPy's long run equally often: on the reference
        # machine a short process started right after a long one was at
        # times 1.5 times slower, and a fixed order put that on one build.
        order = list(cmds) + [None]
        for r in range(runs):
            turn = r % len(order)
            for label in order[turn:] + order[:turn]:
                if label is None:
                    wall, cpu, out = timed(simpy_cmd)
                    theirs.append((wall, cpu))
                    served_simpy = json.loads(out)["served"]
                else:
                    wall, cpu, out = timed(cmds[label])
                    times[label].append((wall, cpu))
                    served[label] = json.loads(out)["services"][0]["completed"]
        for k, what in ((0, "wall"), (1, "CPU")):
            b = statistics.median(t[k] for t in theirs)
            print(
                f"{name}, {what} time: SimPy {served_simpy / b / 1e6:.3f} M customers/s "
                f"(median {b * 1e3:.0f} ms, {served_simpy} served)"
            )
            for label, ours in times.items():
                a = statistics.median(t[k] for t in ours)
                ratios = sorted(y[k] / x[k] for x, y in zip(ours, theirs))
                print(
                    f"  {label}: {served[label] / a / 1e6:.2f} M customers/s (median {a * 1e3:.1f} ms, "
                    f"{served[label]} served) · ratio {served[label] / a / (served_simpy / b):.0f}× "
                    f"(pairwise time ratios {ratios[0]:.0f}–{ratios[-1]:.0f}×)"
                )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
