"""The administrators' blueprint and its gate: for everyone else the whole blueprint does not
exist (404). The routes live in the page modules beside this one."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from intake.accounts.models import Role
from intake.admin import queries
from intake.admin.common import today

bp = Blueprint("admin", __name__)

#: The admin pages a unit lead may open too.
UNIT_LEAD_ENDPOINTS = frozenset(
    {
        "admin.response_templates",
        "admin.response_template_new",
        "admin.response_template_edit",
        "admin.response_template_delete",
    }
)


@bp.before_request
@login_required
def _admins_only():
    # login_required lets OPTIONS through unauthenticated: an anonymous user has no role.
    if not current_user.is_authenticated:
        abort(404)
    # Unit leads manage their unit's response templates; those pages check each template.
    if current_user.role is Role.UNIT_LEAD and request.endpoint in UNIT_LEAD_ENDPOINTS:
        return
    if current_user.role is not Role.ADMIN:
        abort(404)


@bp.get("/")
def index():
    return render_template("admin/index.html", overview=queries.overview(today()))


def me():
    """The signed-in administrator as a model instance (operations record it as the actor)."""
    return current_user._get_current_object()
