"""WCAG 2.1 AA with axe-core over the main pages of every role, in both languages, on a desktop
and on a 390 px phone: no serious or critical finding, and no page that scrolls sideways.

axe-core (MPL-2.0, https://github.com/dequelabs/axe-core) is vendored as
``tests/browser/vendor/axe.min.js`` so that a fresh clone needs no network; its licence is
next to it. To update it: ``npm pack axe-core`` and copy ``package/axe.min.js`` over.
"""

import re
from pathlib import Path

import pytest

from intake.extensions import db
from tests.browser.conftest import CHROMIUM
from tests.cases.factories import PASSWORD, make_staff
from tests.public.test_track import submitted
from tests.reports.story import build_first_quarter_2026

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")
Q1 = "period=quarter&year=2026&quarter=1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]

RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag",
      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
  return result.violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " +
                                                  (n.failureSummary || "").slice(0, 160))}));
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
#: The innermost elements that stick out on the right, to say what makes a page scroll sideways.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll("body *")].filter(e =>
      e.getBoundingClientRect().right > width + 0.5 && !e.closest(".table-scroll"));
  return out.filter(e => !out.some(o => o !== e && e.contains(o))).slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
              (e.className ? "." + String(e.className).split(" ").join(".") : ""));
}"""


@pytest.fixture
def world(app, org, client, submit_form):
    staff = make_staff()
    items = build_first_quarter_2026(staff)
    code, key = submitted(client, submit_form)
    db.session.commit()
    return staff, items, code, key


def _check(page, label: str, findings: list[str], phone: bool) -> None:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated by the browser's debugging protocol, which the page's Content-Security-
        # Policy (script-src 'self', no inline script) does not govern; a <script> tag would be
        # refused, as it should be.
        page.evaluate(AXE.read_text() + "\n;undefined")
    for violation in page.evaluate(RUN_AXE):
        findings.append(
            f"{label}: [{violation['impact']}] {violation['id']} — {violation['help']}\n      "
            + "\n      ".join(violation["nodes"])
        )
    if phone:
        overflow = page.evaluate(SIDEWAYS)
        if overflow > 0:
            culprits = ", ".join(page.evaluate(STICKING_OUT))
            findings.append(f"{label}: scrolls sideways by {overflow} px at 390 px ({culprits})")


def _visit(page, base: str, path: str, label: str, findings, phone, status=200) -> None:
    response = page.goto(base + path)
    assert response.status == status, (path, response.status)
    _check(page, label, findings, phone)


def _sign_in(context, base: str, user, lang: str):
    page = context.new_page()
    page.goto(f"{base}/login?lang={lang}")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("form[action$='/login'] button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_accessibility_finding(live_server, browser, world, lang, width):
    staff, items, code, key = world
    phone = width == 390
    findings: list[str] = []
    viewport = {"width": width, "height": 844 if phone else 900}
    citizen = browser.new_context(viewport=viewport)
    page = citizen.new_page()
    _visit(page, live_server, f"/?lang={lang}", "home", findings, phone)
    _visit(page, live_server, "/submit", "submit", findings, phone)
    page.locator("form.form button.primary[type=submit]").click()  # nothing filled in
    page.wait_for_load_state()
    assert page.title().startswith("Lỗi:" if lang == "vi" else "Error:")
    assert page.evaluate("document.activeElement.id") == "form-errors"  # it takes the focus
    _check(page, "submit with errors", findings, phone)
    _visit(page, live_server, "/track", "track", findings, phone)
    page.fill("#reference_code", code)
    page.fill("#access_key", key)
    page.locator("form[action$='/track'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/track/.+"))
    _check(page, "tracked item", findings, phone)
    _visit(page, live_server, "/published", "published", findings, phone)
    page.locator(".published-list a").first.click()
    page.wait_for_load_state()
    _check(page, "published answer", findings, phone)
    _visit(page, live_server, "/stats?year=2026", "stats", findings, phone)
    _visit(page, live_server, "/login", "login", findings, phone)
    _visit(page, live_server, "/open-data", "open data", findings, phone)
    _visit(page, live_server, "/api/v1/docs", "API documentation", findings, phone)
    citizen.close()

    officers = browser.new_context(viewport=viewport)
    intake = _sign_in(officers, live_server, staff.intake, lang)
    _visit(intake, live_server, "/officer/intake", "intake queue", findings, phone)
    case_id = items["M"].id
    _visit(intake, live_server, f"/officer/cases/{case_id}", "case page", findings, phone)
    officers.close()

    unit = browser.new_context(viewport=viewport)
    handler = _sign_in(unit, live_server, staff.handler, lang)
    _visit(handler, live_server, "/officer/unit", "unit queue", findings, phone)
    unit.close()

    supervision = browser.new_context(viewport=viewport)
    supervisor = _sign_in(supervision, live_server, staff.supervisor, lang)
    _visit(supervisor, live_server, f"/supervision/?{Q1}", "dashboard", findings, phone)
    _visit(supervisor, live_server, f"/supervision/reports?{Q1}", "report", findings, phone)
    supervision.close()

    administration = browser.new_context(viewport=viewport)
    admin = _sign_in(administration, live_server, staff.admin, lang)
    _visit(admin, live_server, "/admin/users", "admin list", findings, phone)
    _visit(admin, live_server, "/admin/units/new", "admin form", findings, phone)
    _visit(admin, live_server, "/no-such-page", "error page", findings, phone, 404)
    administration.close()

    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(findings)


#: Every other page type of the officers and administrators, for reflow and axe on a phone.
MORE_PAGES = {
    "intake": ["/officer/intake?tab=returned", "/officer/intake?tab=all", "/officer/cases/new",
               "/account/password", "/account/api-tokens"],
    "lead": ["/officer/unit"],
    "admin": ["/admin/", "/admin/users/new", "/admin/units", "/admin/fields", "/admin/fields/new",
              "/admin/procedures", "/admin/procedures/new", "/admin/rules", "/admin/rules/new",
              "/admin/policies", "/admin/policies/new", "/admin/calendar", "/admin/api-keys",
              "/admin/exchange"],
}  # fmt: skip


def test_every_officer_and_admin_page_reflows_at_390_px(live_server, browser, world):
    staff, items, _, _ = world
    findings: list[str] = []
    for role, paths in MORE_PAGES.items():
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = _sign_in(context, live_server, getattr(staff, role), "vi")
        for path in paths:
            _visit(page, live_server, path, path, findings, phone=True)
        if role == "intake":
            case = items["I"]  # answered and published: the case page with the most on it
            _visit(page, live_server, f"/officer/cases/{case.id}", "answered case", findings, True)
        context.close()
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(findings)


def test_organisation_fields_follow_the_choice_without_javascript(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/submit")
    assert page.is_checked("#submitter_type-0")  # an individual, by default
    assert not page.is_visible("#organisation_name")
    assert not page.is_visible("#tax_code")
    page.check("input[name=submitter_type][value=organisation]")
    assert page.is_visible("#organisation_name") and page.is_visible("#tax_code")
    page.check("input[name=submitter_type][value=individual]")
    assert not page.is_visible("#organisation_name")
    context.close()


FOCUS_RING = """(selector) => {
  const element = document.querySelector(selector);
  element.focus();
  const style = getComputedStyle(element);
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let behind = element.parentElement, background = "rgba(0, 0, 0, 0)";
  while (behind && (background = getComputedStyle(behind).backgroundColor) === "rgba(0, 0, 0, 0)")
    behind = behind.parentElement;
  const [a, b] = [lum(rgb(style.outlineColor)), lum(rgb(background))].sort((x, y) => y - x);
  return {width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          contrast: (a + 0.05) / (b + 0.05)};
}"""


@pytest.mark.parametrize(
    "selector", [".main-nav a", "main button.primary", "#reference_code", ".site-footer a"]
)
def test_the_focus_ring_stands_out_from_its_background(live_server, browser, selector):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server + "/track")
    page.keyboard.press("Tab")  # a keyboard user: the browser shows focus rings from now on
    ring = page.evaluate(FOCUS_RING, selector)
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert ring["contrast"] >= 3, ring
