"""The JSON API under ``/api/v1``: one more door to the same operations and verbs.

Built with flask-smorest (marshmallow schemas, webargs parsing, apispec): the OpenAPI 3.1
document at ``/api/v1/openapi.json`` is generated from the same schemas that parse and dump,
so the document cannot drift from the code. Errors are problem details (RFC 9457, see
``intake.api.problems``); times are ISO 8601 with the +07:00 offset (``intake.api.fields``).

Who calls is said by a key in ``Authorization: Bearer …`` (``intake.api.auth``), never by a
cookie: the API is exempt from CSRF because it ignores the session cookie altogether.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

#: Where every API route lives; the error handlers answer in problem details below it.
PREFIX = "/api/v1"


class IntakeApi(Api):
    """flask-smorest's Api without its app-wide error handler: the app's own handlers
    (``intake.web.errors``) answer HTML pages and, under ``PREFIX``, problem details."""

    def _register_error_handlers(self):
        pass


def register(app: Flask) -> None:
    from intake.api import auth, officers, problems, reference, whoami
    from intake.extensions import csrf, limiter

    app.config.setdefault("API_TITLE", "PAKN — API tiếp nhận, xử lý phản ánh, kiến nghị")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", problems.SPEC_OPTIONS | auth.SPEC_OPTIONS)
    api = IntakeApi(app)
    api.ERROR_SCHEMA = problems.ProblemSchema
    for blueprint in (reference.blp, whoami.blp, officers.blp):
        csrf.exempt(blueprint)
        limiter.limit(auth.rate_limit_value, key_func=auth.rate_limit_key)(blueprint)
        api.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    problems.register(app, PREFIX)
