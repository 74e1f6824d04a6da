"""M/M/c in SimPy, the idiomatic way: a Resource with c servers, exponential
interarrival and service times, each customer's wait recorded. Prints one
JSON line: customers served, mean wait, simulated seconds.

Usage: python mmc.py LAMBDA SERVERS UNTIL_SECONDS [SEED]
"""
import json
import random
import sys

import simpy


def main():
    lam, servers, until = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=servers)
    waits = []

    def customer():
        arrived = env.now
        with server.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1.0))

    def source():
        while True:
            yield env.timeout(rng.expovariate(lam))
            env.process(customer())

    env.process(source())
    env.run(until=until)
    served = len(waits)
    print(json.dumps({"served": served, "mean_wait_s": sum(waits) / max(served, 1), "simulated_s": until}))


if __name__ == "__main__":
    main()
