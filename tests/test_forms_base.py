"""The form base: NFC and trimming on every text field, WTForms' messages in our words."""

from __future__ import annotations

import pytest
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.widgets import Select

from intake.forms import BaseForm, KeptChoices


class _Form(BaseForm):
    class Meta:
        csrf = False

    name = StringField()
    units = SelectMultipleField(choices=[SelectChoice("1", "Sở A"), SelectChoice("2", "Sở B")])


def test_text_arrives_trimmed_and_in_nfc(app):
    with app.test_request_context(method="POST", data={"name": "  Nguye\u0302\u0303n  "}):
        assert _Form().name.data == "Nguyễn"


def test_building_forms_does_not_pile_up_filters(app):
    """Each form gets one NFC filter, however many forms the process built before (the
    filters used to accumulate on the class: normalising grew slower with the process's age)."""
    with app.test_request_context(method="POST", data={"name": "x"}):
        for _ in range(50):
            form = _Form()
        assert len(form.name.filters) == 1


def test_a_value_not_offered_in_a_multi_select_is_a_form_error(app):
    with app.test_request_context(method="POST", data={"units": ["1", "999"]}):
        form = _Form()
        assert not form.validate()
        assert form.units.errors and "999" in form.units.errors[0]


class _SelectForm(BaseForm):
    class Meta:
        csrf = False

    unit = SelectField(coerce=str)


KEPT_OPTIONS = [
    SelectChoice("", "— Không rõ —"),
    SelectChoice("1", "Sở <Tư> pháp", optgroup="Sở, ban, ngành"),
    SelectChoice("2", "Sở Xây dựng", optgroup="Sở, ban, ngành"),
    SelectChoice("3", 'UBND huyện "Kế Sách"', optgroup="UBND cấp huyện"),
]


@pytest.mark.parametrize("chosen", [None, "", "2", "3", "9"])
def test_a_kept_option_list_renders_as_wtforms_would(app, chosen):
    """The options rendered once (KeptChoices) give the very page WTForms' own widget gives,
    with the visitor's choice marked, whatever the choice, escaping included."""
    data = {"unit": chosen} if chosen is not None else {}
    with app.test_request_context(method="POST", data=data):
        kept, plain = _SelectForm(), _SelectForm()
        kept.unit.choices = KeptChoices(KEPT_OPTIONS)
        plain.unit.choices = list(KEPT_OPTIONS)
        assert str(kept.unit(class_="x")) == str(Select()(plain.unit, class_="x"))
        assert kept.validate() == plain.validate()
