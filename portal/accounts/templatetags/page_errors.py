"""What went wrong on this page, for the error summary and the 「错误：」 title of the base template.

After a failed submit the page says so in its title, lists every field error as a link to the field, and moves the
focus there (static/js/portal.js), so nobody has to hunt for the red borders (WCAG 2.1: 2.4.2, 2.4.3, 3.3.1, 3.3.3).
"""

from dataclasses import dataclass

from django import forms, template
from django.contrib.messages import ERROR
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@dataclass(frozen=True)
class FieldError:
    label: str
    message: str
    field_id: str


def _validated_forms(context):
    """The bound forms and formsets of the page that were validated (never validates one itself)."""
    seen = set()
    for value in context.flatten().values():
        validated = isinstance(value, forms.BaseForm | forms.BaseFormSet) and value.is_bound and value._errors is not None
        if validated and id(value) not in seen:
            seen.add(id(value))
            yield value


def _field_id(field) -> str:
    """The id a link to the field focuses: for a group of radios or boxes, the first one."""
    if field.id_for_label or not isinstance(field.field.widget, forms.RadioSelect):
        return field.id_for_label
    return field.field.widget.id_for_label(field.auto_id, 0)


def _first_visible_id(form) -> str:
    return next((_field_id(form[name]) for name in form.fields if not form[name].is_hidden), "")


def _row_errors(form, row_label=""):
    """A form's field errors, and in a list row its row-wide ones too; a hidden field's error (a row's id, the page's
    version) points at the first field one can see. A form's own form-wide errors have their alert (errors.html)."""
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            if row_label and name == NON_FIELD_ERRORS:
                yield from (FieldError(row_label, message, _first_visible_id(form)) for message in messages)
            continue
        field = form[name]
        label = f"{row_label}「{field.label}」" if row_label else str(field.label)
        field_id = _first_visible_id(form) if field.is_hidden else _field_id(field)
        yield from (FieldError(label, message, field_id) for message in messages)


@register.simple_tag(takes_context=True)
def page_errors(context):
    """Every error of the validated forms of the page, list rows named and numbered as on screen
    (「荣誉第1行「荣誉类型」」), each with the id of the field it links to."""
    errors = []
    for form in _validated_forms(context):
        if isinstance(form, forms.BaseFormSet):
            model = getattr(form, "model", None)
            name = model._meta.verbose_name if model else "列表"
            first = _first_visible_id(form.forms[0]) if form.forms else ""
            errors += [FieldError(str(name), message, first) for message in form.non_form_errors()]
            for row, row_form in enumerate(form.forms, start=1):
                errors += _row_errors(row_form, f"{name}第{row}行")
        else:
            errors += _row_errors(form)
    return errors


@register.simple_tag(takes_context=True)
def page_failed(context, field_errors):
    """Whether the page reports a failure: field errors, form-wide errors or an error message."""
    if field_errors:
        return True
    for form in _validated_forms(context):
        if form.non_form_errors() if isinstance(form, forms.BaseFormSet) else form.non_field_errors():
            return True
        if isinstance(form, forms.BaseFormSet) and any(f.non_field_errors() for f in form.forms):
            return True
    messages = context.get("messages") or ()
    return any(message.level >= ERROR for message in messages)
