"""The eligibility checklist of an application as it is being filled in (before it is saved)."""

from applications import eligibility


def draft_verdicts(application, *, form=None, honour_formset=None, partner_formset=None) -> list[eligibility.Verdict]:
    """Verdicts on the saved data, overlaid with whatever the bound (unsaved) form and formsets hold.

    Fields the user typed wrongly count as not filled in, so the checklist never shows a number that
    is not on the screen. Nothing is saved.
    """
    invalid = _overlay_form(application, form)
    facts = eligibility.rule_facts(
        application, honours=_typed_honours(honour_formset), partner_count=_typed_partner_count(partner_formset),
        verification=None, invalid=invalid,
    )
    return eligibility.evaluate(facts)


def _bound(form) -> bool:
    return form is not None and form.is_bound


def _overlay_form(application, form) -> list[tuple[str, str]]:
    """Puts the form's valid values on the (unsaved) instance; returns (field, message) of what was typed wrongly,
    so the rules say what is wrong instead of 「尚未填写」."""
    if not _bound(form):
        return []
    form.is_valid()  # builds form.instance from the valid fields; the instance is never saved
    invalid = []
    for name, errors in form.errors.items():
        if name in form._meta.fields:
            field = application._meta.get_field(name)
            setattr(application, name, None if field.null else field.get_default())
            invalid.append((name, f"「{form.fields[name].label}」填写有误：{errors[0]}"))
    return invalid


def _typed_honours(formset):
    """(kind, level) of each honour row as typed, or None to read the saved ones."""
    if not _bound(formset):
        return None
    formset.is_valid()
    return [(row["kind"], row["level"]) for row in formset.rows() if row.get("kind") and row.get("level")]


def _typed_partner_count(formset):
    """How many different partners the rows as typed name, or None to count the saved ones."""
    if not _bound(formset):
        return None
    formset.is_valid()
    return len({row["credit_code"] for row in formset.rows() if row.get("credit_code")})
