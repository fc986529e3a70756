"""The application factory: the only module that knows every part of the application.

Flask and the extensions are imported inside the functions, not at the top, because importing
any ``intake.*`` module runs this file first: ``intake.core`` must stay importable without Flask.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` (a mapping) overrides defaults and environment, for tests."""
    from intake.config import PROJECT_ROOT, instance_path_from_env
    from intake.web.flask_app import IntakeFlask

    app = IntakeFlask(
        __name__,
        instance_path=instance_path_from_env(),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _load_config(app, config)
    _init_extensions(app)
    _register_template_helpers(app)
    _register_blueprints(app)
    _register_monitoring(app)
    _register_security_headers(app)
    _register_error_handlers(app)
    _register_cli(app)
    return app


def _load_config(app: Flask, config: dict | None) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from intake.config import load_config

    load_config(app, config)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)


def _init_extensions(app: Flask) -> None:
    # Import the models so that metadata (migrations, create_all in tests) sees every table.
    from intake import models  # noqa: F401
    from intake.accounts import sessions as _login_sessions  # noqa: F401  (request loader)
    from intake.config import PROJECT_ROOT
    from intake.extensions import babel, cache, csrf, db, limiter, login_manager, mail, migrate
    from intake.web.cookie_session import KeptSerializerSessionInterface

    app.session_interface = KeptSerializerSessionInterface()
    db.init_app(app)
    _tune_sqlite(app)
    from intake.cases.search import is_index_object

    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        # The search index (FTS5 tables, generated tsvector columns and their GIN indexes) is
        # built by its migration, not mapped: `db check` and autogenerate leave it out.
        include_name=lambda name, type_, parent: not is_index_object(name, type_),
    )
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = None  # sessions are rows on the server (accounts/sessions)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(PROJECT_ROOT / "intake" / "translations"),
    )
    limiter.init_app(app)
    from intake.web import page_cache

    cache.init_app(app, config=page_cache.cache_config(app.config["CACHE_STORAGE_URI"]))
    page_cache.install(app, names_a_session=_login_sessions.names_a_session)
    from intake.audit import recording as audit_recording
    from intake.reports.recording import connect as connect_report_entries
    from intake.transaction import install

    install(db.session)
    audit_recording.install(db.session)
    connect_report_entries()


def _tune_sqlite(app: Flask) -> None:
    from intake import sqlite
    from intake.extensions import db

    with app.app_context():
        sqlite.tune(db.engine)


_LANGUAGES = ("vi", "en")


def _select_locale():
    """Vietnamese unless the visitor chose English (``?lang=en``, then kept in the session).

    Returns the parsed ``babel.Locale``, which Flask-Babel takes as it is: parsing "vi" again
    for every request was about one percent of a kept public page's time."""
    from flask import has_request_context, request, session

    if not has_request_context():
        return _locale("vi")  # e-mails rendered by the worker choose theirs with force_locale
    if request.path.startswith("/api/v1/") and request.path != "/api/v1/docs":
        # The API keeps no session: a client says its language in Accept-Language.
        return _locale(request.accept_languages.best_match(_LANGUAGES) or "vi")
    chosen = request.args.get("lang")
    if chosen in _LANGUAGES:
        session["lang"] = chosen
        return _locale(chosen)
    kept = session.get("lang")
    return _locale(kept if kept in _LANGUAGES else "vi")


@functools.cache
def _locale(name: str):
    from babel import Locale

    return Locale.parse(name)


def _register_template_helpers(app: Flask) -> None:
    from intake.web import template_helpers

    template_helpers.register(app)


def _register_blueprints(app: Flask) -> None:
    from intake.web.params import IdConverter

    # Registered before the blueprints: their rules use <id:…> for every database id.
    app.url_map.converters["id"] = IdConverter
    from intake.accounts.views import bp as accounts_bp
    from intake.admin import bp as admin_bp
    from intake.api_keys import pages as _token_pages  # noqa: F401  (routes on accounts_bp)
    from intake.api_keys import personal as personal_tokens
    from intake.audit.views import bp as audit_bp
    from intake.officer import bp as officer_bp
    from intake.public import bp as public_bp
    from intake.supervision.views import bp as supervision_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(accounts_bp)
    personal_tokens.connect()  # what ends an account's sessions ends its API tokens
    app.register_blueprint(officer_bp, url_prefix="/officer")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(supervision_bp, url_prefix="/supervision")
    app.register_blueprint(audit_bp, url_prefix="/audit")

    from intake import api

    api.register(app)
    from intake import open311

    open311.register(app)


def _register_error_handlers(app: Flask) -> None:
    from intake.web import errors

    errors.register(app)


def _register_monitoring(app: Flask) -> None:
    """/healthz, /readyz, /metrics, the request id and the per-request log line."""
    from intake.monitoring import register

    register(app)


def _register_security_headers(app: Flask) -> None:
    from intake.web import headers

    headers.register(app)


def _register_cli(app: Flask) -> None:
    from intake.cli import intake_cli

    app.cli.add_command(intake_cli)
