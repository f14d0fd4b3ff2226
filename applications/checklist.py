"""The eligibility checklist of an application as it is being filled in (before it is saved)."""

from applications import eligibility


def draft_verdicts(application, *, form=None, honour_formset=None, partner_formset=None) -> list[eligibility.Verdict]:
    """Verdicts on the saved data, overlaid with whatever the bound (unsaved) form and formsets hold.

    Fields the user typed wrongly count as not filled in, so the checklist never shows a number that
    is not on the screen. Nothing is saved.
    """
    if form is not None and form.is_bound:
        form.is_valid()  # builds form.instance from the valid fields; the instance is never saved
        for name in form.errors:
            field = application._meta.get_field(name) if name in form._meta.fields else None
            if field is not None:
                setattr(application, name, None if field.null else field.get_default())
    honours = partner_count = None
    if honour_formset is not None and honour_formset.is_bound:
        honour_formset.is_valid()
        honours = [(row["kind"], row["level"]) for row in honour_formset.rows() if row.get("kind") and row.get("level")]
    if partner_formset is not None and partner_formset.is_bound:
        partner_formset.is_valid()
        partner_count = len({row["credit_code"] for row in partner_formset.rows() if row.get("credit_code")})
    return eligibility.evaluate(eligibility.facts_for(application, honours=honours, partner_count=partner_count))
