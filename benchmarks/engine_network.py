"""The engine on a network of the pipeline's size and shape: one JSON line per case.

The national pipeline is not yet built on the engine, so its speed targets (one replicate over
4 years in under 50 ms; 1,000 replicates over 10 years in under 60 s and 2 GB) are measured here
on a stand-in of the same size: 8 regions; arrests by 3 channels (classes) limited by officers
(starts a day, per region); a pooled national bed station with skewed stays that diverts to
alternatives to detention when full; a court with two dockets (detained first) limited per
region; removal flights limited nationally; and departures. Its numbers are illustrative, not
the model's; only the shape and the work per day matter here.

    python benchmarks/engine_network.py --case one-replicate
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from deportsim.engine import Delay, Network, Route, Station, Stochastic, Streams, simulate

REGIONS = ("LA", "NY", "CHI", "HOU", "DFW", "MIA", "DC", "REST")
CASES = {
    # targets for the full national pipeline (issue 3, tracked in docs/performance.md); skewed
    # stays in 48 age bins (Delay.daily), or in daily bins to the end of their law ("exact")
    "one-replicate": {"replicates": 1, "days": 1461, "period": 1, "threads": 1, "max_bins": 48},
    "one-replicate-exact": {
        "replicates": 1, "days": 1461, "period": 1, "threads": 1, "max_bins": 4000,
    },
    "1000x10y": {"replicates": 1000, "days": 3650, "period": 30, "threads": 2, "max_bins": 48},
}  # fmt: skip


def network(max_bins: int) -> Network:
    """A stand-in for the pipeline: 7 stations, 11 classes, 8 regions."""
    channels = ("custodial", "at_large", "collateral")
    stations = [
        Station(
            "arrest",
            Delay.exponential(0.2),
            capacity=[400.0] * 7 + [1600.0],
            capacity_kind="starts",
            pooled=False,
            classes=channels,
        ),
        Station(
            "detention",
            Delay.lognormal(45.0, 1.2),
            capacity=62_000.0,
            max_bins=max_bins,
            overflow="divert",
            divert_to="atd",
            classes=("ice", "cbp"),
        ),
        Station("atd", Delay.gamma(400.0, 0.8), max_bins=max_bins),
        Station(
            "court",
            Delay.exponential(0.3),
            capacity=[60.0] * 7 + [300.0],
            capacity_kind="starts",
            pooled=False,
            classes=("detained", "released"),
        ),
        Station("appeal", Delay.lognormal(120.0, 0.8), max_bins=max_bins),
        Station("removal", Delay.exponential(0.5), capacity=1500.0, capacity_kind="starts"),
        Station("departure", Delay.exponential(1.0)),
    ]
    arrivals = {
        ("arrest", "custodial"): [250.0] * 7 + [900.0],
        ("arrest", "at_large"): [120.0] * 7 + [300.0],
        ("arrest", "collateral"): [20.0] * 7 + [60.0],
        ("detention", "cbp"): [30.0] * 7 + [240.0],
        ("court", "released"): [80.0] * 7 + [400.0],
    }
    routes = {
        **{("arrest", c): [Route("detention", 0.9, "ice")] for c in channels},
        ("detention", "ice"): [Route("removal", 0.6), Route("court", 0.3, "detained")],
        ("detention", "cbp"): [Route("removal", 0.8), Route("court", 0.15, "detained")],
        ("atd", "all"): [Route("court", 0.5, "released"), Route("departure", 0.1)],
        ("court", "detained"): [Route("removal", 0.7), Route("appeal", 0.2)],
        ("court", "released"): [Route("removal", 0.2), Route("appeal", 0.1)],
        ("appeal", "all"): [Route("removal", 0.5)],
    }
    return Network(stations, arrivals=arrivals, routes=routes, regions=REGIONS)


def main() -> None:
    """Run one case and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=sorted(CASES), required=True)
    args = parser.parse_args()
    case = CASES[args.case]
    net = network(case["max_bins"])
    t0 = time.perf_counter()
    simulate(net, 1, 1, Stochastic(Streams(1)))  # load (or compile) the compiled loop
    t1 = time.perf_counter()
    result = simulate(
        net,
        case["days"],
        case["replicates"],
        Stochastic(Streams(1)),
        period=case["period"],
        threads=case["threads"],
    )
    t2 = time.perf_counter()
    removed = result.total("removal", "completed").mean()
    print(
        json.dumps(
            {
                "benchmark": "engine-network",
                "case": args.case,
                "stations": len(net.stations),
                "age_bins": sum(d.bins for s in net.stations for d in s.daily_stays.values()),
                "classes": sum(len(s.classes) for s in net.stations),
                "regions": len(net.regions),
                **case,
                "compile_or_load_s": round(t1 - t0, 3),
                "run_s": round(t2 - t1, 4),
                "per_replicate_ms": round(1000 * (t2 - t1) / case["replicates"], 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "removals_per_replicate_year": round(removed / case["days"] * 365),
                "unaccounted": float(abs(result.check_conservation()).max()),
            }
        )
    )


if __name__ == "__main__":
    main()
