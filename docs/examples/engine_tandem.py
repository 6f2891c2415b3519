"""Worked example for docs/engine.md: detention beds, then court, then removal.

Run from the repository root:  .venv/bin/python docs/examples/engine_tandem.py
"""

from deportsim.engine import Delay, Network, Route, Station, run_batches

# 1. Stations. Beds are places (at most 600 people at a day's end); hearings and flights are
#    limited in starts per day: 7 judges with a quarter-day hearing hear up to 28 cases a day.
stations = [
    Station("detention", Delay.lognormal(mean=45.0, cv=1.5), capacity=600),
    Station("court", Delay.exponential(0.25), capacity=7 / 0.25, capacity_kind="starts"),
    Station("removal", Delay.exponential(0.1), capacity=2 / 0.1, capacity_kind="starts"),
]

# 2. The network: 30 arrivals a day; after detention 80% go to court, the rest are released;
#    after court 60% are ordered removed, the rest leave with relief.
net = Network(
    stations,
    arrivals={("detention", "all"): 30.0},
    routes={
        ("detention", "all"): [Route("court", 0.8), Route("released", 0.2)],
        ("court", "all"): [Route("removal", 0.6), Route("relief", 0.4)],
    },
)

# 3. 200 replicates over one year, seed 1, in batches of 100 (identical on any number of workers).
result = run_batches(net, days=365, replicates=200, seed=1, batch_size=100, workers=1)

# 4. Summaries: replicate means, and the 5th-95th percentile of the last day.
for name in ("detention", "court", "removal"):
    done = result.total(name, "completed").mean()
    occupied = result.mean_per_day(name, "occupancy").mean()
    print(f"{name:<10} completed {done:8.1f}  mean occupancy {occupied:6.1f}")
low, _, high = result.quantiles("detention", "waiting")[:, -1]
print(f"waiting for a bed on the last day: {low:.0f} to {high:.0f} (90% of replicates)")
for sink, people in sorted(result.sinks.items()):  # after removal, people leave by "exit"
    print(f"left by {sink:<9} {people.sum() / result.replicates:8.1f} per replicate")
print(f"unaccounted for: {abs(result.check_conservation()).max():.0f}")
