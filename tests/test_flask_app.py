"""The app's Flask class decides "async or not" as Flask does: a plain function is called as it
is, anything that is or may be a coroutine function still goes through Flask's own wrapping."""

from __future__ import annotations

import functools
import inspect

import flask
import pytest

from intake.web.flask_app import IntakeFlask


@pytest.fixture
def flask_app(monkeypatch):
    app = IntakeFlask(__name__)
    # Flask wraps a coroutine function with asgiref, an optional extra: stand in for it, so
    # that the test sees which functions Flask's own path was asked to wrap.
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("wrapped", func))
    return app


def plain(response):
    return response


async def coroutine(response):
    return response


class Hooks:
    def method(self, response):
        return response

    async def async_method(self, response):
        return response


def test_plain_functions_and_methods_are_called_as_they_are(flask_app):
    method = Hooks().method  # one bound method, as a hook list holds it
    assert flask_app.ensure_sync(plain) is plain
    assert flask_app.ensure_sync(method) is method
    # A sync wrapper is sync, whatever it wraps: as inspect says.
    assert flask_app.ensure_sync(functools.wraps(plain)(lambda r: r))(1) == 1


@pytest.mark.parametrize(
    "func",
    [coroutine, Hooks().async_method, functools.partial(coroutine)],
    ids=["async def", "async method", "partial of async def"],
)
def test_coroutine_functions_are_still_wrapped(flask_app, func):
    assert inspect.iscoroutinefunction(func)
    assert flask_app.ensure_sync(func) == ("wrapped", func)


def test_a_function_marked_as_a_coroutine_function_takes_flasks_own_path(flask_app, monkeypatch):
    """Python 3.12's inspect.markcoroutinefunction leaves a mark in the function's __dict__;
    such a function is never taken for a plain one: Flask's own check decides."""

    def marked(response):
        return response

    marked._is_coroutine_marker = object()
    asked = []
    flasks_own = flask.Flask.ensure_sync
    monkeypatch.setattr(
        flask.Flask, "ensure_sync", lambda self, func: asked.append(func) or flasks_own(self, func)
    )
    flask_app.ensure_sync(marked)
    flask_app.ensure_sync(plain)
    assert asked == [marked]
