"""Reads for the review screens."""

from portal.accounts.models import Role


def timeline_for(application, user):
    """The application's history as `user` may see it: enterprises see opinions, never internal notes."""
    records = application.review_records.select_related("actor_unit").order_by("at", "id")
    show_internal = user.role in (Role.COUNTY, Role.CITY, Role.PROVINCE)
    return [
        {
            "at": r.at,
            "action": r.action_label,
            "from_state": r.from_state,
            "to_state": r.to_state,
            "actor": r.actor_name,
            "role": Role(r.actor_role).label,
            "unit": r.actor_unit_name,
            "opinion": r.opinion,
            "internal_note": r.internal_note if show_internal else "",
            "data_sha256": r.data_sha256,
        }
        for r in records
    ]
