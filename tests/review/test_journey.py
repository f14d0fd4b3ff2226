"""The whole road through the pages: 安平县 submits → county verifies and passes → city ranks and forwards
(a 4th in the cluster is refused) → province spot-checks, decides at a meeting, awards and publishes."""

import pytest
from django.urls import NoReverseMatch, reverse

from applications.models import Application, State
from review.models import Certificate, Meeting, SpotCheckDraw
from review.selectors import timeline_for
from review.services import perform_transition
from tests.factories import (
    ClusterFactory,
    EnterpriseFactory,
    city_official,
    county_official,
    eligible_application,
    enterprise_user,
    province_official,
)
from tests.review.journey import application_in

pytestmark = pytest.mark.django_db

FIGURES = {"revenue": "52000", "tax_total": "2500", "total_assets": "80000", "owners_equity": "48000", "cluster_rank": "1"}


def submit(client, application, user):
    client.force_login(user)
    try:
        url = reverse("applications:submit", args=[application.pk])
    except NoReverseMatch:  # the enterprise pages are built elsewhere; the service is the same
        perform_transition(application_id=application.pk, action="submit", actor=user)
    else:
        assert client.post(url).status_code == 302


def test_an_application_goes_from_anping_to_the_public_list(client):
    cluster = ClusterFactory()
    enterprise = EnterpriseFactory(cluster=cluster, name="河北安平丝网股份有限公司")
    owner = enterprise_user(enterprise)
    application = eligible_application(enterprise=enterprise)
    others = [application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(3)]
    county, city, province = county_official("131125"), city_official("131100"), province_official()

    submit(client, application, owner)
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW

    # County: queue, 核实情况证明, 初审通过.
    client.force_login(county)
    assert application.enterprise.name in client.get(reverse("review:county_queue")).content.decode()
    response = client.post(reverse("review:verification", args=[application.pk]), {**FIGURES, "remarks": "纳税以税务数据为准", "version": 0})
    assert response.status_code == 302
    response = client.post(
        reverse("review:transition", args=[application.pk]),
        {"action": "county_pass", "opinion": "经核实，符合申报条件，同意推荐。", "expected_state": State.COUNTY_REVIEW},
    )
    assert response.status_code == 302

    # City: rank inside the cluster, forward three, the fourth is refused with a message.
    client.force_login(city)
    waiting = [application, *others]
    ranks = {f"rank_{a.pk}": str(i) for i, a in enumerate(waiting, start=1)}
    assert client.post(reverse("review:city_cluster_rank", args=[cluster.pk]), ranks).status_code == 302
    for a in waiting[:3]:
        client.post(
            reverse("review:transition", args=[a.pk]),
            {"action": "city_forward", "opinion": "同意上报。", "expected_state": State.CITY_REVIEW},
        )
    fourth = client.post(
        reverse("review:transition", args=[waiting[3].pk]),
        {"action": "city_forward", "expected_state": State.CITY_REVIEW, "next": reverse("review:city_clusters")},
        follow=True,
    )
    assert "达到推荐上限，不能再上报" in fourth.content.decode()
    assert Application.objects.get(pk=waiting[3].pk).state == State.CITY_REVIEW

    # Province: 抽查 all, record the result; meeting; close; 认定; 通报公布.
    client.force_login(province)
    client.post(reverse("review:spot_checks"), {"share_percent": "100"})
    draw = SpotCheckDraw.objects.get()
    assert application.pk in draw.drawn
    check = draw.checks.get(application=application)
    client.post(reverse("review:spot_check_record", args=[check.pk]), {f"check{check.pk}-result": "pass", f"check{check.pk}-notes": "一致"})
    client.post(reverse("review:meetings"), {"name": "认定会议", "held_on": "2024-11-20", "minutes_number": "纪要3号"})
    meeting = Meeting.objects.get()
    decisions = {f"decision_{a.pk}": "award" for a in waiting[:3]}
    decisions.update({f"rank_{a.pk}": str(i) for i, a in enumerate(waiting[:3], start=1)})
    assert client.post(reverse("review:meeting_detail", args=[meeting.pk]), decisions).status_code == 302
    client.post(reverse("review:meeting_close", args=[meeting.pk]))
    client.post(reverse("review:meeting_award", args=[meeting.pk]))
    client.post(reverse("review:publish_results"))
    application.refresh_from_db()
    assert application.state == State.AWARDED
    number = Certificate.objects.get(application=application).number
    assert number == "冀企产龙〔2024〕第001号"

    client.logout()
    public = client.get(reverse("review:public_awarded")).content.decode()
    assert "河北安平丝网股份有限公司" in public and number in public and "衡水市" in public

    # The enterprise sees every step with its opinions (and no internal notes).
    steps = timeline_for(application, owner)
    assert [s["action"] for s in steps] == ["提交申报", "初审通过", "审核通过并上报", "认定"]
    assert steps[1]["opinion"] == "经核实，符合申报条件，同意推荐。"
    assert "认定会议" in steps[3]["opinion"]
    client.force_login(owner)
    try:
        page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    except NoReverseMatch:
        return
    for text in ("初审通过", "经核实，符合申报条件，同意推荐。", "审核通过并上报", "认定"):
        assert text in page
