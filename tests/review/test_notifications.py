"""Every transition tells the enterprise and the next level, in the portal and by e-mail."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from applications.models import State
from review.models import Notification, ReviewRecord
from review.notifications import transition_message
from review.services import perform_transition
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


def test_a_return_to_the_county_tells_the_county_why(django_capture_on_commit_callbacks):
    application = application_in(State.CITY_REVIEW)
    county = county_official("131125")
    opinion = "核实情况证明中的纳税总额与纳税证明不一致，请重新核实。"
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            application_id=application.pk, action="city_return_county", actor=actor_for(application, "city_return_county"),
            opinion=opinion,
        )
    message = Notification.objects.get(recipient=county, application=application).message
    assert "被市级退回县级重新初审" in message and message.endswith(f"意见：{opinion}")
    assert any(county.email in m.to and opinion in m.body for m in mail.outbox)


def test_a_rejection_and_a_province_return_carry_the_opinion_a_forward_does_not(django_capture_on_commit_callbacks):
    rejected = application_in(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            application_id=rejected.pk, action="county_reject", actor=actor_for(rejected, "county_reject"),
            opinion="营业收入未达到1亿元。",
        )
    enterprise = actor_for(rejected, "submit")
    assert Notification.objects.get(recipient=enterprise, application=rejected).message.endswith("意见：营业收入未达到1亿元。")

    returned = application_in(State.PROVINCE_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            application_id=returned.pk, action="province_return_city", actor=province_official(),
            opinion="请补充集群内排名依据。",
        )
    city = actor_for(returned, "city_forward")
    message = Notification.objects.filter(recipient=city, application=returned).latest("id").message
    assert "被省级退回市级重新审核" in message and message.endswith("意见：请补充集群内排名依据。")
    forward = ReviewRecord.objects.get(application=returned, action="city_forward")
    assert forward.opinion and "意见" not in transition_message(forward, returned.enterprise.name)


def test_a_long_opinion_is_cut_to_fit_the_notice(django_capture_on_commit_callbacks):
    application = application_in(State.COUNTY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            application_id=application.pk, action="county_return", actor=actor_for(application, "county_return"),
            opinion="请补充材料。" * 60,
        )
    message = Notification.objects.get(recipient=actor_for(application, "submit")).message
    assert len(message) <= 300 and message.endswith("…") and "请补充材料。请补充材料。" in message


def test_the_county_sees_the_city_return_opinion_on_its_queue_and_the_page(client):
    application = application_in(State.CITY_REVIEW)
    perform_transition(
        application_id=application.pk, action="city_return_county", actor=actor_for(application, "city_return_county"),
        opinion="请核实集群内排名。",
    )
    client.force_login(county_official("131125"))
    queue = client.get(reverse("review:county_queue")).content.decode()
    assert "衡水市退回意见：</strong>请核实集群内排名。" in queue
    page = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    assert "衡水市退回意见" in page and "退回修改（退回县级）" in page
    assert page.index('id="return-opinion"') < page.index('id="conditions"')  # at the top, before the work


def test_a_withdrawn_forward_tells_the_province_and_the_enterprise(django_capture_on_commit_callbacks):
    application = application_in(State.PROVINCE_REVIEW)
    province = province_official()
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            application_id=application.pk, action="city_withdraw_forward",
            actor=actor_for(application, "city_withdraw_forward"), opinion="需重新排序后再报。",
        )
    for user in (province, actor_for(application, "submit"), actor_for(application, "city_forward")):
        message = Notification.objects.get(recipient=user, application=application).message
        assert "已由市级撤回上报" in message and message.endswith("衡水市意见：需重新排序后再报。"), user
    assert not Notification.objects.filter(recipient=actor_for(application, "county_pass")).exists()
