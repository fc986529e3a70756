"""The print queue of the intake office: notices that go by post (to citizens who gave
neither an e-mail nor a mobile number, or stopped SMS), their text, and "mark posted"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intake import clock
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases.models import Case
from intake.cases.operations.letters import letters_to_post
from intake.extensions import db
from intake.forms import BaseForm
from intake.letters import LetterKind
from intake.officer.blueprint import bp, me
from intake.web.lifecycle import perform
from intake.web.params import id_param, page_number

#: Notices by their template name, as the print queue names them.
NOTICE_KINDS = {
    "receipt": _l("Phiếu tiếp nhận"),
    "info_requested": _l("Đề nghị bổ sung thông tin"),
    "rejected": _l("Thông báo không tiếp nhận"),
    "transferred": _l("Thông báo chuyển cơ quan có thẩm quyền"),
    "answered": _l("Văn bản trả lời"),
    "reopened": _l("Thông báo xem xét lại"),
}


class PostLettersForm(BaseForm):
    """Only the CSRF token: the chosen letters are the ``letter`` values of the checkboxes."""


@bp.route("/letters", methods=["GET", "POST"])
def print_queue():
    if not perms.is_intake_officer(current_user):
        abort(404)
    form = PostLettersForm()
    if form.validate_on_submit():
        # "Mark posted" on one letter names it; the button below the list takes those ticked.
        only = request.form.get("only")
        chosen = [only] if only else request.form.getlist("letter")
        ids = [i for i in (id_param(v) for v in chosen) if i is not None]
        outcome = perform(lambda: ops.mark_letters_posted(ids, actor=me(), now=clock.now()))
        if outcome.ok:
            flash(_("Đã đánh dấu %(n)d văn bản đã gửi qua bưu điện.", n=outcome.value))
            return redirect(url_for("officer.print_queue"), code=303)
        flash(_("Không thực hiện được: %(reason)s", reason=outcome.refusal.message))
    page = db.paginate(
        letters_to_post(), page=page_number(), per_page=50, error_out=False, max_per_page=100
    )
    cases = {
        case.id: case
        for case in db.session.scalars(
            sa.select(Case).where(Case.id.in_({m.case_id for m in page.items}))
        )
    }
    status = 422 if form.is_submitted() else 200
    return render_template(
        "officer/print_queue.html",
        form=form,
        page=page,
        cases=cases,
        notice_kinds=NOTICE_KINDS,
        letter_kinds={kind.value for kind in LetterKind},
    ), status
