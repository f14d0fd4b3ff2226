"""The error summary at the top of a form page: every error, each linking to its field."""

from django import template

register = template.Library()

ROW_LISTS = {"honours": "荣誉", "partners": "带动中小企业"}


def _form_problems(form, row_label: str = "") -> list[tuple[str, str, str]]:
    problems = []
    top = f"{form.prefix}-top" if form.prefix else "error-summary"
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if name == "__all__" or field is None:
            problems += [(row_label, str(e), top) for e in errors]
            continue
        bound = form[name]
        label = f"{row_label}「{field.label}」" if row_label else str(field.label)
        # A hidden field (a list row's id) has nothing to show: point at the row's first visible field.
        anchor = bound.auto_id if not bound.is_hidden else next(
            (form[n].auto_id for n, f in form.fields.items() if not form[n].is_hidden), top
        )
        problems += [(label, str(e), anchor) for e in errors]
    return problems


@register.simple_tag
def error_summary(*forms) -> list[tuple[str, str, str]]:
    """(label, message, anchor id) of every error in `forms` (forms and formsets, in page order)."""
    problems = []
    for form in forms:
        if not hasattr(form, "is_bound") or not form.is_bound:
            continue
        if hasattr(form, "forms"):  # a formset
            name = ROW_LISTS.get(form.prefix, "列表")
            problems += [(name, str(e), f"form-{form.prefix}") for e in form.non_form_errors()]
            for number, row in enumerate(form.forms, start=1):
                problems += _form_problems(row, f"{name}第{number}行")
        else:
            problems += _form_problems(form)
    return problems


@register.inclusion_tag("applications/_unit_field.html")
def unit_field(field, unit="万元"):
    """An input with its unit beside it (万元, %), its help and its errors tied to it for screen readers."""
    described = [f"{field.auto_id}-unit"]
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    css = "form-control is-invalid" if field.errors else "form-control"
    attrs = {"class": css, "aria-describedby": " ".join(described)}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return {"field": field, "widget": field.as_widget(attrs=attrs), "unit": unit}
