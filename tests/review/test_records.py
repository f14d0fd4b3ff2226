"""Review records and deadline extensions are append-only."""

import datetime as dt

import pytest
from django.db import transaction

from applications.models import State
from review.models import DeadlineExtension, ReviewRecord
from review.services import campaign_extend_deadline
from tests.factories import province_official
from tests.review.journey import application_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    application_in(State.COUNTY_REVIEW)
    return ReviewRecord.objects.get()


def test_a_review_record_cannot_be_changed_by_save(record):
    record.opinion = "改写后的意见"
    with pytest.raises(PermissionError, match="只能追加"):
        record.save()
    assert ReviewRecord.objects.get().opinion != "改写后的意见"


def test_a_review_record_cannot_be_deleted(record):
    with pytest.raises(PermissionError, match="只能追加"):
        record.delete()
    assert ReviewRecord.objects.count() == 1


def test_review_records_cannot_be_updated_or_deleted_in_bulk(record):
    with pytest.raises(PermissionError):
        ReviewRecord.objects.filter(pk=record.pk).update(opinion="x")
    with pytest.raises(PermissionError):
        ReviewRecord.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():  # bulk_update runs without its own savepoint
        ReviewRecord.objects.bulk_update([record], ["opinion"])
    assert ReviewRecord.objects.get().opinion == record.opinion


def test_deadline_extensions_are_append_only():
    campaign = application_in(State.DRAFT).campaign
    extension = campaign_extend_deadline(
        actor=province_official(), campaign_id=campaign.pk, level="city",
        new_date=campaign.city_deadline + dt.timedelta(days=3), reason="延期",
    )
    with pytest.raises(PermissionError):
        extension.save()
    with pytest.raises(PermissionError):
        DeadlineExtension.objects.all().delete()
    assert DeadlineExtension.objects.count() == 1
