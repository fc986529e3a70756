"""The citizen's blueprint; its pages live in the modules beside this one. Works without
JavaScript, and without an account: an item is followed with its code and access key."""

from __future__ import annotations

from flask import Blueprint, session

bp = Blueprint("public", __name__)

# Case ids this browser has proven it may follow (code + key), kept in the signed session.
TRACKED = "tracked_case_ids"
RECEIPT = "receipt"


def remember_tracked(case_id: int) -> None:
    tracked = [i for i in session.get(TRACKED, []) if i != case_id]
    session[TRACKED] = [case_id, *tracked][:10]
