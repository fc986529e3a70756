"""The officers' blueprint and its gate: signed-in officers only; an administrator's home
page sends them on to their own pages. The routes live in the page modules beside this one."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required

from intake.accounts.models import Role
from intake.cases import permissions as perms

bp = Blueprint("officer", __name__)


@bp.before_request
@login_required
def _officers_only():
    if not current_user.is_authenticated:  # OPTIONS passes login_required unauthenticated
        abort(404)
    # An administrator has no queue; the home page alone sends them on to their own pages.
    if current_user.role is Role.ADMIN and request.endpoint == "officer.home":
        return None
    if current_user.role not in perms.OFFICER_ROLES:
        abort(404)


@bp.get("/")
def home():
    if current_user.role is Role.ADMIN:
        return redirect(url_for("admin.index"))
    if current_user.role is Role.SUPERVISOR:
        return redirect(url_for("supervision.dashboard"))
    if current_user.role in perms.UNIT_ROLES:
        return redirect(url_for("officer.unit_queue"))
    return redirect(url_for("officer.intake_queue"))


def me():
    """The signed-in officer as a model instance (operations record it as the actor)."""
    return current_user._get_current_object()
