"""Anomaly detection on hourly series: pure functions, no database.

Rates, not counts: during a migration surge every count climbs with the arrival rate, so a rule's
hit count rising 3x over a day is expected; its share of posts rising 3x within an hour is not.
Each hour's rate is compared with the median of the previous `baseline_hours` (median and MAD,
so a past spike inside the baseline does not hide the next one). The MAD is floored at the
Poisson noise of the current hour, so an all-zero baseline does not turn one hit into an alert.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution × this = its standard deviation


@dataclass(frozen=True, slots=True)
class HourCount:
    hour: datetime
    hits: int
    total: int  # posts (or lines) that hour; the denominator of the rate


@dataclass(frozen=True, slots=True)
class SpikeConfig:
    baseline_hours: int = 24
    min_baseline_hours: int = 12
    z: float = 4.0
    min_hits: int = 5  # the minimum volume: fewer hits than this never alert
    min_ratio: float = 2.0  # and the rate must at least double its baseline median


@dataclass(frozen=True, slots=True)
class Spike:
    hour: datetime
    hits: int
    total: int
    rate: float
    baseline_rate: float
    baseline_mad: float
    z: float
    baseline_hours: int

    def evidence(self) -> dict[str, object]:
        return {
            "hour": self.hour.isoformat(),
            "hits": self.hits,
            "total": self.total,
            "rate": round(self.rate, 5),
            "baseline_median_rate": round(self.baseline_rate, 5),
            "baseline_mad": round(self.baseline_mad, 5),
            "z": round(self.z, 2),
            "baseline_hours": self.baseline_hours,
        }


def robust_z(rate: float, baseline: Sequence[float], total: int) -> tuple[float, float, float]:
    """(median, MAD, z) of `rate` against `baseline` rates, with a Poisson floor on the spread."""
    median = statistics.median(baseline)
    mad = statistics.median(abs(r - median) for r in baseline)
    poisson = math.sqrt(median * total + 1.0) / total
    return median, mad, (rate - median) / max(MAD_TO_SIGMA * mad, poisson)


def find_spikes(
    series: Sequence[HourCount], since: datetime, config: SpikeConfig = SpikeConfig()
) -> list[Spike]:
    """Hours at or after `since` whose rate is far above the series' own recent baseline."""
    by_hour = {c.hour: c for c in series if c.total > 0}
    spikes = []
    for hour in sorted(h for h in by_hour if h >= since):
        now = by_hour[hour]
        if now.hits < config.min_hits:
            continue
        window = [hour - timedelta(hours=k) for k in range(1, config.baseline_hours + 1)]
        baseline = [by_hour[h].hits / by_hour[h].total for h in window if h in by_hour]
        if len(baseline) < config.min_baseline_hours:
            continue
        rate = now.hits / now.total
        median, mad, z = robust_z(rate, baseline, now.total)
        if z >= config.z and rate >= config.min_ratio * median:
            spikes.append(Spike(hour, now.hits, now.total, rate, median, mad, z, len(baseline)))
    return spikes


def runs(spikes: Sequence[Spike]) -> list[list[Spike]]:
    """Group spikes of consecutive hours, so one 3-hour wave is one alert."""
    grouped: list[list[Spike]] = []
    for spike in sorted(spikes, key=lambda s: s.hour):
        if grouped and spike.hour - grouped[-1][-1].hour <= timedelta(hours=1):
            grouped[-1].append(spike)
        else:
            grouped.append([spike])
    return grouped


@dataclass(frozen=True, slots=True)
class GrowthConfig:
    hours: int = 3  # consecutive hours in which more arrived than was cleared
    ratio: float = 1.5  # inflow ≥ ratio × outflow in each of them
    min_growth: int = 50  # and the backlog grew by at least this many items


def find_growth(
    hours: Sequence[datetime],
    inflow: Sequence[int],
    outflow: Sequence[int],
    config: GrowthConfig = GrowthConfig(),
) -> list[tuple[datetime, datetime, int, int]]:
    """Runs of hours where a queue grew faster than it was cleared: (first, last, in, out)."""
    if not hours:
        return []
    filled: dict[datetime, tuple[int, int]] = dict(
        zip(hours, zip(inflow, outflow, strict=True), strict=True)
    )
    t, end = min(hours), max(hours)
    found, run = [], []
    while t <= end:
        # Hours without any item are explicit zeros: a quiet hour ends a run.
        i, o = filled.get(t, (0, 0))
        if i > 0 and i >= config.ratio * o:
            run.append((t, i, o))
        else:
            found.extend(_growth_run(run, config))
            run = []
        t += timedelta(hours=1)
    found.extend(_growth_run(run, config))
    return found


def _growth_run(
    run: list[tuple[datetime, int, int]], config: GrowthConfig
) -> list[tuple[datetime, datetime, int, int]]:
    total_in = sum(i for _, i, _ in run)
    total_out = sum(o for _, _, o in run)
    if len(run) >= config.hours and total_in - total_out >= config.min_growth:
        return [(run[0][0], run[-1][0], total_in, total_out)]
    return []
