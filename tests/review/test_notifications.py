"""Every transition tells the enterprise and the next level, in the portal and by e-mail."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from applications.models import State
from review.models import Notification
from tests.factories import city_official, county_official, province_official
from tests.review.journey import actor_for, application_in, verify, walk

pytestmark = pytest.mark.django_db


def test_submission_tells_the_enterprise_and_its_county_only(django_capture_on_commit_callbacks):
    application = application_in(State.DRAFT)
    county, other_county, city = county_official("131125"), county_official("130534"), city_official("131100")
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "submit")
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {actor_for(application, "submit").pk, county.pk}
    assert other_county.pk not in recipients and city.pk not in recipients
    assert {m.to[0] for m in mail.outbox} == {actor_for(application, "submit").email, county.email}
    assert all("提交申报" in m.body and "待县级初审" in m.body for m in mail.outbox)


def test_county_pass_tells_the_city_and_forward_tells_the_province(django_capture_on_commit_callbacks):
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    city, province = city_official("131100"), province_official()
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "county_pass")
    assert Notification.objects.filter(recipient=city, application=application).exists()
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "city_forward")
    assert Notification.objects.filter(recipient=province, application=application).exists()
    enterprise_messages = Notification.objects.filter(recipient=actor_for(application, "submit")).values_list("message", flat=True)
    assert any("审核通过并上报" in m for m in enterprise_messages)


def test_a_return_tells_the_enterprise(django_capture_on_commit_callbacks):
    application = application_in(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "county_return")
    enterprise = actor_for(application, "submit")
    assert Notification.objects.filter(recipient=enterprise, message__contains="退回修改").exists()
    assert any(enterprise.email in m.to for m in mail.outbox)


def test_nothing_is_sent_when_the_transition_is_rolled_back(django_capture_on_commit_callbacks):
    from review.services import TransitionRefused

    application = application_in(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused):
        walk(application, "county_pass")  # no verification
    assert not Notification.objects.exists() and not mail.outbox


def test_badge_counts_unread_and_the_page_marks_them_read(client, django_capture_on_commit_callbacks):
    application = application_in(State.DRAFT)
    county = county_official("131125")
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "submit")
    client.force_login(county)
    home = client.get(reverse("review:county_home")).content.decode()
    assert 'id="nav-notifications"' in home and 'title="未读通知">1</span>' in home
    page = client.get(reverse("review:notifications")).content.decode()
    assert application.enterprise.name in page and "notification-unread" in page
    assert reverse("review:application_detail", args=[application.pk]) in page
    assert not Notification.objects.filter(recipient=county, read_at__isnull=True).exists()
    home = client.get(reverse("review:county_home")).content.decode()
    assert 'title="未读通知"' not in home


def test_mark_all_read(client):
    county = county_official("131125")
    Notification.objects.bulk_create([Notification(recipient=county, message=f"通知{i}") for i in range(3)])
    client.force_login(county)
    assert client.post(reverse("review:notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notifications_are_private_and_need_a_login(client):
    county, other = county_official("131125"), county_official("130534")
    Notification.objects.create(recipient=other, message="别人的通知")
    client.force_login(county)
    assert "别人的通知" not in client.get(reverse("review:notifications")).content.decode()
    client.logout()
    assert client.get(reverse("review:notifications")).status_code == 302


def test_the_enterprise_notification_links_to_its_application(client, django_capture_on_commit_callbacks):
    application = application_in(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "county_return")
    client.force_login(actor_for(application, "submit"))
    page = client.get(reverse("review:notifications")).content.decode()
    assert "退回修改" in page
    assert reverse("applications:detail", args=[application.pk]) in page


def test_each_transition_tells_the_level_its_own_state_awaits_even_when_committed_later(django_capture_on_commit_callbacks):
    application = application_in(State.DRAFT)
    county, city = county_official("131125"), city_official("131100")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # one commit after both
        walk(application, "submit")
        verify(application)
        walk(application, "county_pass")
    assert Notification.objects.filter(recipient=county, message__contains="提交申报").exists()
    assert Notification.objects.filter(recipient=city, message__contains="通过县级初审").exists()
    assert not Notification.objects.filter(recipient=county, message__contains="通过县级初审").exists()
