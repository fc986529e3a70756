"""The JSON API under ``/api/v1``: one more door to the same operations and verbs.

Built with flask-smorest (marshmallow schemas, webargs parsing, apispec): the OpenAPI 3.1
document at ``/api/v1/openapi.json`` is generated from the same schemas that parse and dump,
so the document cannot drift from the code. Errors are problem details (RFC 9457, see
``intake.api.problems``); times are ISO 8601 with the +07:00 offset (``intake.api.fields``).

Who calls is said by a key in ``Authorization: Bearer …`` (``intake.api.auth``), never by a
cookie: the API is exempt from CSRF because it ignores the session cookie altogether.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Flask
from flask_smorest import Api
from flask_smorest import pagination as _pagination

from intake.api import problems

#: Where every API route lives; the error handlers answer in problem details below it.
PREFIX = "/api/v1"


#: The last page any list may be asked for: beyond it the offset would overflow the database's
#: integers (a 500), and no list of this service has a million pages.
MAX_PAGE = 1_000_000
_smorest_pagination_schema = _pagination._pagination_parameters_schema_factory


def _bounded_pagination_schema(def_page, def_page_size, def_max_page_size):
    """flask-smorest's ``page``/``page_size`` parameters with ``page`` bounded too. Installed
    below, before any API module is imported, so every ``@blp.paginate()`` gets it."""
    base = _smorest_pagination_schema(def_page, def_page_size, def_max_page_size)

    class PaginationParametersSchema(base):
        page = ma.fields.Integer(
            load_default=def_page, validate=ma.validate.Range(min=1, max=MAX_PAGE)
        )

    return PaginationParametersSchema


_pagination._pagination_parameters_schema_factory = _bounded_pagination_schema


class IntakeApi(Api):
    """flask-smorest's Api without its app-wide error handler: the app's own handlers
    (``intake.web.errors``) answer HTML pages and, under ``PREFIX``, problem details."""

    ERROR_SCHEMA = problems.ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        """The document's shared error responses (422 of every body, ``default``) in the
        format the API answers them: problem details."""
        default = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = problems.MEDIA_TYPE
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = default


def register(app: Flask) -> None:
    from intake.api import (
        auth,
        docs,
        officers,
        published,
        reference,
        statistics,
        submissions,
        tracking,
        whoami,
    )
    from intake.extensions import csrf, limiter

    app.config.setdefault("API_TITLE", "PAKN — API tiếp nhận, xử lý phản ánh, kiến nghị")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", problems.SPEC_OPTIONS | auth.SPEC_OPTIONS)
    api = IntakeApi(app)
    problems.install_spec_plugins(api.spec)
    for blueprint in (reference.blp, whoami.blp, submissions.blp, tracking.blp,
                      published.blp, statistics.blp, officers.blp):  # fmt: skip
        csrf.exempt(blueprint)
        limiter.limit(auth.rate_limit_value, key_func=auth.rate_limit_key)(blueprint)
        api.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    problems.register(app, PREFIX)
    docs.register(app, api)
