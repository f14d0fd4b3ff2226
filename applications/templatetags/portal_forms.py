"""Form fields with what sits beside them: the unit, the help and the error, tied to the field for screen readers."""

from django import template

register = template.Library()


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
