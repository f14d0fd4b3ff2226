"""A closed meeting whose 认定 decisions await 公示, and titles in force, built through the real services."""

import datetime as dt

from django.utils import timezone

from portal.directory.models import Campaign
from review import services as review_services
from review.services import DecisionInput
from tests.factories import province_official
from tests.review.test_province import forwarded
from titles import services


def closed_meeting(n=3, *, decisions=None):
    applications = forwarded(n)
    Campaign.objects.filter(pk=applications[0].campaign_id).update(publicity_required=True)
    province = province_official()
    meeting = review_services.meeting_create(
        actor=province, campaign=applications[0].campaign, name="省局认定会议", held_on=timezone.localdate(),
        minutes_number="冀企产会纪〔2024〕3号",
    )
    decisions = decisions or [("award", rank) for rank in range(1, n + 1)]
    review_services.meeting_save_decisions(
        actor=province, meeting_id=meeting.pk,
        decisions=[DecisionInput(a.pk, d, rank) for a, (d, rank) in zip(applications, decisions, strict=True)],
    )
    review_services.meeting_close(actor=province, meeting_id=meeting.pk)
    return province, meeting, applications


def published(n=3, *, starts_on=None, ends_on=None):
    province, meeting, applications = closed_meeting(n)
    publicity = services.publicity_publish(
        actor=province, meeting_id=meeting.pk, starts_on=starts_on or timezone.localdate(), ends_on=ends_on
    )
    return province, meeting, publicity, applications


def after(publicity, days=1):
    """A moment after the 公示 ended (Asia/Shanghai)."""
    return dt.datetime.combine(publicity.ends_on + dt.timedelta(days=days), dt.time(9), tzinfo=timezone.get_current_timezone())
