"""Templates translate into the language in force: the visitor's, or the one an e-mail is
rendered in (``force_locale``) in the middle of another visitor's request."""

from flask import render_template_string
from flask_babel import force_locale

PAGE = "{{ current_language() }}|{{ _('Đăng xuất') }}"


def test_a_page_follows_the_visitor_and_an_email_the_citizen(app):
    # Each request in its own application context, as under a server (Flask-Babel keeps the
    # locale in ``g``, which the fixture's own context would share between the two).
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert render_template_string(PAGE).split("|") == ["en", "Sign out"]
        with force_locale("vi"):  # a notice to a Vietnamese citizen, queued by an officer
            assert render_template_string(PAGE).split("|") == ["vi", "Đăng xuất"]
        # and back to the officer's own language for the rest of the page
        assert render_template_string(PAGE).split("|") == ["en", "Sign out"]

    with app.app_context(), app.test_request_context("/"):
        assert render_template_string(PAGE).split("|") == ["vi", "Đăng xuất"]
        with force_locale("en"):
            assert render_template_string(PAGE).split("|") == ["en", "Sign out"]
        assert render_template_string(PAGE).split("|") == ["vi", "Đăng xuất"]


def test_the_worker_renders_in_the_language_it_forces(app):
    with app.app_context():  # no request: the worker's notices
        with force_locale("en"):
            assert render_template_string(PAGE).split("|") == ["en", "Sign out"]
        with force_locale("vi"):
            assert render_template_string(PAGE).split("|") == ["vi", "Đăng xuất"]
