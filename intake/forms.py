"""The base of every form: text arrives trimmed and in NFC, and WTForms' own messages (which
ship no Vietnamese catalogue) are replaced by ours, translated like every other string."""

from __future__ import annotations

from functools import cached_property
from itertools import groupby

from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, IntegerField, MultipleFileField, SelectField
from wtforms.validators import Length
from wtforms.widgets import Select, html_params

from intake.core.text import nfc

_WTFORMS_MESSAGES = {
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Not a valid integer value.": _l("Vui lòng nhập một số nguyên."),
    "This field is required.": _l("Vui lòng nhập thông tin này."),
    "Invalid email address.": _l("Địa chỉ thư điện tử không hợp lệ."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
}


class _Translations:
    def gettext(self, string: str) -> str:
        message = _WTFORMS_MESSAGES.get(string)
        return str(message) if message is not None else gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # The catalogue's text only: WTForms fills in its own placeholders (%(value)s) after
        # this returns, so Flask-Babel's ngettext, which formats with num=, would raise.
        return get_translations().ngettext(singular, plural, n)


def _nfc_filter(value):
    return nfc(value) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class not in (MultipleFileField, BooleanField):
                # Passed to this binding only: the unbound field belongs to the class, and
                # adding to its kwargs put one more NFC filter on the field for every form
                # ever built, so normalising took longer the longer the process ran.
                filters = [_nfc_filter, *unbound_field.kwargs.get("filters", [])]
                return unbound_field.bind(form=form, **{**options, "filters": filters})
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form):
            return _Translations()

        def render_field(self, field, render_kw):
            kept = isinstance(field, SelectField) and isinstance(field.choices, KeptChoices)
            if kept and type(field.widget) is Select and not field.widget.multiple:
                return _render_kept_select(field, {**(field.render_kw or {}), **render_kw})
            return super().render_field(field, render_kw)


class KeptChoices(tuple):
    """Options built once and shared by every request (``intake.org.choices``), with their
    ``<option>`` elements rendered once too: a select of 150 units costs a string replace
    instead of 150 widget calls. A tuple, so that no view can change a shared list."""

    @cached_property
    def options_html(self) -> str:
        """The options as WTForms' Select renders them, none selected."""
        html = []
        grouped = any(c.optgroup is not None for c in self)
        for optgroup, choices in groupby(self, key=lambda c: c.optgroup if grouped else None):
            if optgroup is not None:
                html.append(f"<optgroup {html_params(label=optgroup)}>")
            html.extend(_option(c.value, c.label, c.render_kw) for c in choices)
            if optgroup is not None:
                html.append("</optgroup>")
        return "".join(html)


def _option(value, label, render_kw=None, selected=False) -> str:
    options = {"value": value, **(render_kw or {})}
    if selected:
        options["selected"] = True
    return f"<option {html_params(**options)}>{escape(label or value)}</option>"


def _render_kept_select(field, kwargs: dict) -> Markup:
    """What ``Select()(field, **kwargs)`` renders, from the options rendered once."""
    kwargs.setdefault("id", field.id)
    flags = field.flags
    for name in Select.validation_attrs:
        if name not in kwargs and getattr(flags, name, False):
            kwargs[name] = getattr(flags, name)
    options = field.choices.options_html
    for choice in field.choices:
        if field.coerce(choice.value) == field.data:
            plain = _option(choice.value, choice.label, choice.render_kw)
            chosen = _option(choice.value, choice.label, choice.render_kw, selected=True)
            options = options.replace(plain, chosen, 1)
    # Every value and label went through html_params or escape above.
    return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704


def length(min: int = -1, max: int = -1) -> Length:  # noqa: A002  (mirrors WTForms' names)
    """Length with a message in the visitor's language."""
    if min > 0 and max > 0:
        message = _l("Độ dài từ %(min)d đến %(max)d ký tự.", min=min, max=max)
    elif min > 0:
        message = _l("Cần ít nhất %(min)d ký tự.", min=min)
    else:
        message = _l("Tối đa %(max)d ký tự.", max=max)
    return Length(min=min, max=max, message=message)


_NOT_AN_INTEGER = "Not a valid integer value."


class WholeNumberField(IntegerField):
    """A whole number of at most nine digits. Longer input is not a number anyone means, and
    WTForms' NumberRange turns the value into a float, which overflows from about 309
    digits: refused here with the field's usual message instead."""

    MAX_DIGITS = 9

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(self.gettext(_NOT_AN_INTEGER))  # WTForms' own text, mapped above
        super().process_formdata(valuelist)
