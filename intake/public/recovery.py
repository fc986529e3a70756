"""A lost access key (DOMAIN.md §5): the citizen gives the item's code and the e-mail or phone
given at submission, and a new key goes to the citizen's channels. The page answers the same
whether they matched or not, and whether the code exists or not; attempts are limited per
client address and per code (so an item's owner is not flooded with new keys), and recorded
on the item."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake import clock
from intake.cases import operations as ops
from intake.cases.models import Case
from intake.core.reference import normalise_reference_code
from intake.extensions import db
from intake.public.blueprint import bp
from intake.public.forms import RecoverKeyForm
from intake.web import throttle
from intake.web.lifecycle import perform

SENT = _l(
    "Nếu mã phản ánh, kiến nghị và thông tin liên hệ khớp với hồ sơ, mã tra cứu mới đã được "
    "gửi đến thư điện tử hoặc số điện thoại bạn đã đăng ký khi gửi; mã cũ không còn dùng "
    "được. Nếu không nhận được trong vài phút, hãy kiểm tra lại thông tin hoặc gọi đường dây "
    "nóng."
)


@bp.route("/track/recover", methods=["GET", "POST"])
def recover_key():
    form = RecoverKeyForm()
    if form.validate_on_submit():
        code = normalise_reference_code(form.reference_code.data)[:40]
        if not (
            throttle.take("KEY_RECOVERY_LIMIT", throttle.client_address())
            and throttle.take("KEY_RECOVERY_CODE_LIMIT", code)
        ):
            form.form_errors.append(
                _(
                    "Đã có quá nhiều yêu cầu cấp lại mã trong thời gian ngắn. Vui lòng thử lại "
                    "sau, hoặc gọi đường dây nóng để được cấp lại mã."
                )
            )
            return render_template("public/track_recover.html", form=form), 429
        case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
        contact = form.contact.data
        if case is None:
            ops.contact_matches(Case(), contact)  # the same comparison, for the same time
        perform(
            lambda: ops.recover_access_key(case, now=clock.now(), contact=contact) if case else None
        )
        flash(str(SENT))
        return redirect(url_for("public.recover_key"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("public/track_recover.html", form=form), status
