"""What a screen-reader or keyboard user gets from a form sent back with errors (WCAG 2.1 AA):
a title that starts with "Lỗi:", a summary that lists every error with a link to its field and
takes the focus, and each field marked invalid and described by its error."""

import re
from pathlib import Path

import pytest

from tests.conftest import valid_submission


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _summary(html: str) -> str:
    match = re.search(
        r'<div class="alert alert-error[^"]*"[^>]*id="form-errors".*?</div>', html, re.S
    )
    assert match, "no error summary"
    return match.group(0)


def _input(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


def test_a_clean_form_has_a_plain_title_and_no_summary(client, org):
    html = client.get("/submit").get_data(as_text=True)
    assert _title(html).startswith("Gửi phản ánh, kiến nghị")
    assert 'id="form-errors"' not in html
    assert 'aria-invalid="true"' not in html


def test_errors_title_summary_links_and_focus(submit_form, org):
    data = valid_submission(full_name="", email="", phone="0912 345")
    del data["declared_truthful"]
    response = submit_form(data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _title(html).startswith("Lỗi: Gửi phản ánh, kiến nghị")

    summary = _summary(html)
    # It takes the focus: focusable by script, autofocus, and the static script that does it.
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert "/static/js/a11y.js" in html and "<script>" not in html  # no inline script (CSP)
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary))
    # Art. 7: no e-mail is required on its own; the phone given is not a valid number.
    assert set(links) == {"full_name", "phone", "declared_truthful"}
    assert "Số điện thoại không hợp lệ" in links["phone"]
    assert links["full_name"].startswith("Họ và tên")
    # Every linked field exists on the page, is marked invalid and described by its error.
    for field_id in links:
        tag = _input(html, field_id)
        assert 'aria-invalid="true"' in tag, field_id
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"{field_id}-error" in described, field_id
        assert f'id="{field_id}-error"' in html


def test_the_declared_truthful_checkbox_error_is_announced(submit_form, org):
    data = valid_submission()
    del data["declared_truthful"]
    html = submit_form(data).get_data(as_text=True)
    tag = _input(html, "declared_truthful")
    assert 'type="checkbox"' in tag
    assert 'aria-invalid="true"' in tag and 'aria-describedby="declared_truthful-error"' in tag
    error = re.search(r'<ul class="errors" id="declared_truthful-error">(.*?)</ul>', html, re.S)
    assert error and error.group(1).strip()


def test_a_radio_group_error_links_to_its_first_option(submit_form, org):
    html = submit_form(valid_submission(kind="")).get_data(as_text=True)
    assert 'href="#kind-0"' in _summary(html)
    assert 'aria-describedby="kind-error"' in _input(html, "kind-0")


def test_the_title_says_error_in_english(client, submit_form, org):
    client.get("/?lang=en")
    html = submit_form(valid_submission(full_name="")).get_data(as_text=True)
    assert _title(html).startswith("Error: ")


@pytest.mark.parametrize("path", ["/login", "/track"])
def test_other_forms_say_error_in_their_title_too(client, org, path):
    from tests.conftest import hidden_inputs

    form = hidden_inputs(client.get(path).get_data(as_text=True))
    html = client.post(path, data=form).get_data(as_text=True)
    assert _title(html).startswith("Lỗi:"), path
    assert '<a href="#' in _summary(html)


def test_the_organisation_fields_are_shown_only_for_an_organisation(client, org):
    """Without JavaScript: the fields follow the radio buttons in the same fieldset, and the
    stylesheet hides them while "individual" is checked (where :has() is not supported they
    stay visible)."""
    html = client.get("/submit").get_data(as_text=True)
    section = re.search(r'<fieldset class="section">(.*?)</fieldset>\s*<fieldset', html, re.S)
    block = section.group(1)
    assert block.index('name="submitter_type"') < block.index('id="org-fields"')
    assert block.index('id="org-fields"') < block.index('id="organisation_name"')
    assert re.search(r'value="individual"[^>]*checked|checked[^>]*value="individual"', block)
    css = (Path(client.application.static_folder) / "css" / "site.css").read_text()
    assert (
        ".section:has(input[name=submitter_type][value=individual]:checked) .org-fields "
        "{ display: none; }"
    ) in css
