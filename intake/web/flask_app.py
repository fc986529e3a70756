"""The application's Flask class: Flask itself, with the one check it makes on every function it
calls answered without ``inspect`` for plain functions."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import FunctionType, MethodType
from typing import Any

from flask import Flask


class IntakeFlask(Flask):
    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask asks, before calling each before- and after-request hook and the view, whether
        it is an ``async def`` (``inspect.iscoroutinefunction``, which unwraps methods and
        partials first): a dozen times per request here, a fiftieth of a kept page's time in
        process (cProfile over ``bench/bench_http.py``'s pages). For a plain function or a
        method of one, the answer is its code's flags, which is exactly what ``inspect``
        reads; a function marked by ``inspect.markcoroutinefunction`` (Python 3.12) carries the
        mark in its ``__dict__`` and goes the long way, as does anything else (a partial, a
        callable object). Flask's documentation invites overriding this method."""
        plain = func.__func__ if type(func) is MethodType else func
        if (
            type(plain) is FunctionType
            and not plain.__code__.co_flags & inspect.CO_COROUTINE
            and "_is_coroutine_marker" not in plain.__dict__
        ):
            return func
        return super().ensure_sync(func)
