"""Histogram statistics agree with the plain definitions over the expanded list."""

import statistics
from collections import Counter

import pytest

from intake.core.stats import mean, percentile, share


def _linear_percentile(values, q):
    values = sorted(values)
    position = (len(values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


@pytest.mark.parametrize(
    "values",
    [
        [5],
        [2, 3],
        [1, 1, 1, 9],
        [0, 3, 3, 4, 10, 10, 12, 15, 15, 15, 30],
        list(range(1, 101)),
    ],
)
@pytest.mark.parametrize("q", [0, 10, 50, 90, 100])
def test_percentiles_match_the_expanded_list(values, q):
    assert percentile(Counter(values), q) == pytest.approx(_linear_percentile(values, q))


def test_median_and_mean_of_a_small_list():
    histogram = Counter([2, 3])
    assert percentile(histogram, 50) == 2.5
    assert mean(histogram) == 2.5
    assert percentile(Counter([1, 2, 2, 7]), 50) == statistics.median([1, 2, 2, 7])


def test_nothing_to_summarise_is_none_not_zero():
    assert percentile({}, 50) is None
    assert mean({}) is None
    assert share(3, 0) is None
    assert share(3, 4) == 0.75


def test_a_percentile_outside_0_100_is_refused():
    with pytest.raises(ValueError):
        percentile({1: 1}, 101)
