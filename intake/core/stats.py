"""Summary statistics over histograms of whole numbers (handling times in working days).

Reports count handling times by value in SQL (GROUP BY), so a million answers arrive as a few
dozen (value, count) pairs; these functions give the mean and percentiles of the underlying
list without rebuilding it. Percentiles interpolate between ranks (the "linear" method of
numpy and of PostgreSQL's percentile_cont), so the median of 2 and 3 is 2.5.
"""

from __future__ import annotations

from collections.abc import Mapping


def total(histogram: Mapping[int, int]) -> int:
    return sum(histogram.values())


def mean(histogram: Mapping[int, int]) -> float | None:
    n = total(histogram)
    return sum(v * c for v, c in histogram.items()) / n if n else None


def percentile(histogram: Mapping[int, int], q: float) -> float | None:
    """The ``q``-th percentile (0-100) of the values, or None when there are none."""
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    n = total(histogram)
    if not n:
        return None
    position = (n - 1) * q / 100  # 0-based rank, possibly between two values
    rank = int(position)
    items = sorted((v, c) for v, c in histogram.items() if c > 0)
    lower = _value_at_rank(items, rank)
    upper = _value_at_rank(items, min(rank + 1, n - 1))
    return lower + (upper - lower) * (position - rank)


def _value_at_rank(items: list[tuple[int, int]], rank: int) -> int:
    seen = 0
    for value, count in items:
        seen += count
        if rank < seen:
            return value
    raise ValueError("rank beyond the histogram")


def share(part: int, whole: int) -> float | None:
    """A proportion, or None when there is nothing to divide by (shown as "—", never 0 %)."""
    return part / whole if whole else None
