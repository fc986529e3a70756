"""Following an item with its code and access key, and the one door of the citizen's verbs
(``intake.cases.verbs``): the page offers exactly ``available_actions(CITIZEN, case)``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from intake import clock
from intake.cases import queries
from intake.cases.models import Case
from intake.cases.operations import find_tracked_case
from intake.cases.verbs import CITIZEN, VERBS, Door, available_actions, verbs_for
from intake.core.reference import normalise_access_key, normalise_reference_code
from intake.extensions import db
from intake.public.blueprint import RECEIPT, TRACKED, bp, remember_tracked
from intake.public.forms import CITIZEN_FORMS, TrackForm
from intake.web import throttle
from intake.web.lifecycle import perform, verb_view
from intake.web.page_cache import shared_page

DONE_MESSAGES = {
    "provide_info": _l("Đã gửi thông tin bổ sung. Cảm ơn bạn."),
    "withdraw": _l("Đã rút phản ánh, kiến nghị."),
    "rate": _l("Cảm ơn bạn đã đánh giá."),
    "reconsider": _l("Đã gửi đề nghị xem xét lại. Đơn vị xử lý sẽ trả lời bạn."),
    "stop_sms": _l(
        "Đã ngừng gửi SMS. Các thông báo sau được gửi qua thư điện tử, hoặc bằng văn bản qua "
        "bưu điện nếu bạn không cho biết thư điện tử."
    ),
}
PATHS = {"provide_info": "info", "stop_sms": "stop-sms"}


@bp.route("/track", methods=["GET", "POST"])
@shared_page(depends_on=(), fresh={"csrf_token": generate_csrf})
def track():
    """Code + key open the item. Failures are counted per (code, client address) and per
    client address, never per code alone: a guesser is slowed down (429, for that client
    only), while the holder of the right key, from any other client, always gets in. With 50
    bits of key and these limits per address, guessing stays out of reach even from many
    addresses; a code for everyone would let anyone lock the owner out of an item whose code
    is public on /published."""
    form = TrackForm()
    if request.method == "GET" and request.args.get("code"):
        # The link in an SMS carries the code (never the key): the citizen types only the key.
        form.reference_code.data = normalise_reference_code(request.args["code"])[:40]
    if form.validate_on_submit():
        code = normalise_reference_code(form.reference_code.data)[:40]
        address = throttle.client_address()
        if not (
            throttle.allowed("TRACK_FAILURE_LIMIT", address)
            and throttle.allowed("TRACK_CODE_FAILURE_LIMIT", code, address)
        ):
            # Refused before the key is checked, or the refusal would confirm a right guess.
            abort(429)
        case = find_tracked_case(code, normalise_access_key(form.access_key.data))
        if case is not None:
            throttle.forget("TRACK_CODE_FAILURE_LIMIT", code, address)  # the owner's typos
            remember_tracked(case.id)
            return redirect(url_for("public.track_case", code=case.reference_code), code=303)
        throttle.count("TRACK_FAILURE_LIMIT", address)
        throttle.count("TRACK_CODE_FAILURE_LIMIT", code, address)
        form.form_errors.append(
            _(
                "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập. Vui lòng kiểm "
                "tra lại cả hai mã trong phiếu tiếp nhận hoặc thư điện tử đã nhận."
            )
        )
    status = 422 if form.is_submitted() else 200
    return render_template("public/track.html", form=form), status


@bp.get("/track/<code>")
def track_case(code: str):
    return _render_track_case(_tracked_case(code))


def _render_track_case(case: Case, bound: dict | None = None, status: int = 200):
    forms = {name: CITIZEN_FORMS[name](formdata=None) for name in available_actions(CITIZEN, case)}
    return render_template(
        "public/track_case.html",
        case=case,
        history=db.session.scalars(queries.public_history(case)).all(),
        forms={**forms, **(bound or {})},
    ), status


def _tracked_case(code: str) -> Case:
    """The case this browser has opened with its code and key; otherwise back to /track,
    with the same answer whether the code exists or not: only code + key open an item."""
    code = normalise_reference_code(code)
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    if case is None or case.id not in session.get(TRACKED, []):
        flash(_("Vui lòng nhập mã và mã tra cứu để xem tình trạng."))
        abort(redirect(url_for("public.track")))
    return case


def act(verb_name: str, code: str):
    """The citizen's door: the item opened with code and key → the verb still available →
    its form → ``perform`` → back to the item, with a message either way."""
    verb = VERBS[verb_name]
    case = _tracked_case(code)
    if not verb.is_available(CITIZEN, case):
        flash(_("Thao tác này không còn thực hiện được ở tình trạng hiện tại."))
        return redirect(url_for("public.track_case", code=case.reference_code), code=303)
    form = CITIZEN_FORMS[verb_name]()
    if form.validate_on_submit():
        outcome = perform(
            lambda: verb.operation(case, actor=CITIZEN, now=clock.now(), **form.inputs())
        )
        if outcome.ok:
            flash(str(DONE_MESSAGES[verb_name]))
            return redirect(url_for("public.track_case", code=code), code=303)
        flash(_("Không thực hiện được: %(reason)s", reason=outcome.refusal.message))
        case = _tracked_case(code)
    return _render_track_case(case, {verb_name: form}, 422)


for _name in verbs_for(Door.CITIZEN):
    bp.add_url_rule(
        f"/track/<code>/{PATHS.get(_name, _name)}",
        endpoint=_name,
        view_func=verb_view(_name, act),
        methods=["POST"],
    )


@bp.post("/track/forget")
def track_forget():
    """Lets a citizen on a shared computer close the item they opened."""
    session.pop(TRACKED, None)
    session.pop(RECEIPT, None)
    flash(_("Đã đóng phiên tra cứu trên thiết bị này."))
    return redirect(url_for("public.track"), code=303)
