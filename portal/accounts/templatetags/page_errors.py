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


def _field_errors(form, row=None):
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        field = form[name]
        label = f"{field.label}（第{row}行）" if row else str(field.label)
        for message in messages:
            yield FieldError(label, message, "" if field.is_hidden else field.id_for_label)


@register.simple_tag(takes_context=True)
def page_errors(context):
    """Field errors of every validated form on the page, formset rows numbered as on screen."""
    errors = []
    for form in _validated_forms(context):
        if isinstance(form, forms.BaseFormSet):
            for row, row_form in enumerate(form.forms, start=1):
                errors += _field_errors(row_form, row)
        else:
            errors += _field_errors(form)
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
