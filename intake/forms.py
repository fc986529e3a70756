"""The base of every form: text arrives trimmed and in NFC, and WTForms' own messages (which
ship no Vietnamese catalogue) are replaced by ours, translated like every other string."""

from __future__ import annotations

from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, MultipleFileField
from wtforms.validators import Length

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
