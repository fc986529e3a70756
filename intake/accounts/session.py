"""How Flask-Login finds the signed-in officer for a request."""

from __future__ import annotations

from intake.accounts.models import User
from intake.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
