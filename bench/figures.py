"""Latency figures for the benchmarks: percentiles per measured side, and a side's ratio to its floor."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Figures:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, samples: list[float]) -> None:
        self.samples.setdefault(name, []).extend(samples)

    def p50(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def p99(self, name: str) -> float:
        return percentile(self.samples[name], 0.99)

    def print(self) -> None:
        for name, samples in self.samples.items():
            print(
                f"{name:<30} p50 {self.p50(name) * 1e3:8.3f} ms   p99 {self.p99(name) * 1e3:8.3f} ms"
                f"   mean {statistics.fmean(samples) * 1e3:8.3f} ms   n={len(samples)}"
            )


def ratio_line(label: str, figures: Figures, measured: str, floor: str) -> str:
    """`RATIO <label>: <p50 ratio> (p99 <ratio>)`: what `make bench` readers look for."""
    p50 = figures.p50(measured) / figures.p50(floor)
    p99 = figures.p99(measured) / figures.p99(floor)
    return f"RATIO {label}: {p50:.2f}x at p50 (p99 {p99:.2f}x)"
