"""The published answers (Art. 19): the redacted texts only, never a person."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import get_locale
from sqlalchemy.orm import joinedload

from intake.cases import queries, search
from intake.cases.models import Case
from intake.core.reference import normalise_reference_code
from intake.extensions import db
from intake.org import choices
from intake.public.blueprint import bp
from intake.public.forms import PublishedSearchForm
from intake.web import page_cache, throttle
from intake.web.page_cache import NUMBER, ORGANISATION, PUBLICATIONS, shared_page
from intake.web.params import (
    id_param,
    page_number,
    redirect_to_page,
    redirect_to_written_page,
    redirect_without,
)

#: A search is never kept (what people type is theirs); the list and its filters are.
_LIST_ARGS = {"q": page_cache.EMPTY, "field_id": NUMBER, "unit_id": NUMBER, "page": NUMBER}


@bp.get("/published")
@shared_page(depends_on=(ORGANISATION, PUBLICATIONS), args=_LIST_ARGS)
def published():
    locale = str(get_locale())
    form = PublishedSearchForm(request.args)
    form.field_id.choices = choices.field_choices(locale, blank=choices.ALL_LABEL)
    form.unit_id.choices = choices.unit_choices(locale, blank=choices.ALL_LABEL)
    valid = form.validate()
    # A field or unit that is not one of the list's, or a page number not written as one, is
    # sent to the list without it: never a render of the whole list under a key of its own.
    unknown = [name for name in ("field_id", "unit_id") if form[name].errors]
    if unknown:
        return redirect_without(*unknown)
    if (written := redirect_to_written_page()) is not None:
        return written
    q = (form.q.data or "") if valid else ""
    if q.strip() and not throttle.take("PUBLIC_SEARCH_LIMIT", throttle.client_address()):
        # Told to wait, and nothing searched: the list itself (no words) stays open to all.
        page = render_template("public/published.html", form=form, page=None, too_many=True)
        return page, 429, {"Retry-After": "60"}
    query = queries.published_cases(
        q=q,
        field_id=id_param(form.field_id.data) if valid else None,
        unit_id=id_param(form.unit_id.data) if valid else None,
    )
    query = query.options(joinedload(Case.field), joinedload(Case.lead_unit))  # named per row
    page = db.paginate(query, page=page_number(), per_page=20, error_out=False, max_per_page=50)
    if page.page > 1 and not page.items:  # past the end: the last page (or the first)
        return redirect_to_page(page.pages)
    capped = search.more_may_match(q, page.total)
    return render_template("public/published.html", form=form, page=page, capped=capped)


@bp.get("/published/<code>")
def published_detail(code: str):
    code = normalise_reference_code(code)
    case = db.session.scalar(
        sa.select(Case).where(Case.reference_code == code, Case.published_at.is_not(None))
    )
    if case is None:
        abort(404)
    return render_template("public/published_detail.html", case=case)
