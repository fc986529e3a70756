from __future__ import annotations

from datetime import timedelta

import pytest


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment

    def advance(self, **delta):
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock(app, now):
    """The application's clock, set to ``now``; tests move it forward."""
    app.config["CLOCK"] = ticking = Clock(now)
    return ticking
