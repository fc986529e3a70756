"""The public statistics: received, answered and on time, by field and by unit, for a
reporting year. Aggregate figures only, never an item or a person."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale

from intake import clock
from intake.public.blueprint import bp
from intake.reports.public import available_years, public_statistics
from intake.web.page_cache import NUMBER, ORGANISATION, PUBLICATIONS, STATISTICS, shared_page
from intake.web.params import redirect_without


@bp.get("/stats")
@shared_page(depends_on=(ORGANISATION, PUBLICATIONS, STATISTICS), args={"year": NUMBER})
def stats():
    """Received, answered and on time, by field and by unit, for a reporting year: aggregate
    figures only, never an item or a person."""
    now = clock.now()
    years = available_years(now)  # only years with figures
    requested = request.args.get("year", "")
    valid = requested.isascii() and requested.isdecimal() and len(requested) <= 4
    valid = valid and int(requested) in years
    if "year" in request.args and not valid:
        return redirect_without("year")  # the current year's page, kept, not one render per value
    year = int(requested) if valid else years[0]
    figures = public_statistics(
        year,
        now=now,
        locale=str(get_locale()),
        min_sample=current_app.config["REPORT_MIN_SAMPLE"],
    )
    return render_template(
        "public/stats.html",
        year=year,
        years=years,
        period=figures.period,
        total=figures.total,
        running=figures.running,
        units=figures.units,
        fields=figures.fields,
        min_sample=figures.min_sample,
    )
