"""Every official list shows 「n 项不满足 / n 项待核实」 on the application's row, from the stored verdicts."""

import re

import pytest

from applications.models import Application, State
from review.services import perform_transition
from tests.review.journey import OPINION, actor_for, application_in, rank_next, verify
from tests.review.test_province import meeting_with

pytestmark = pytest.mark.django_db
REASON = "县政府专题会议同意推荐。"


def badges(html: str, name: str) -> list[str]:
    """The badges' visible and hidden text in the row of enterprise `name`."""
    row = next(r for r in re.findall(r"<tr.*?</tr>", html, re.S) if name in r)
    return [re.sub(r"<[^>]+>", "", b) for b in re.findall(r'<span class="badge rounded-pill conditions-badge.*?</span></span>', row)]


def failing(state):
    """Verified with rank 4 (A5) and passed on to `state` with reasons."""
    application = application_in(State.COUNTY_REVIEW)
    verify(application, cluster_rank=4, condition_checks={"B1": {"verdict": "met", "note": ""}})
    for action in {State.CITY_REVIEW: ["county_pass"], State.PROVINCE_REVIEW: ["county_pass", "city_forward"]}.get(state, []):
        if action == "city_forward":
            rank_next(application)
        perform_transition(
            application_id=application.pk, action=action, actor=actor_for(application, action), opinion=OPINION,
            details={"override_reason": REASON},
        )
    return Application.objects.select_related("enterprise").get(pk=application.pk)


def test_the_county_queue_shows_the_failing_and_pending_conditions(client):
    application = failing(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "county_pass"))
    html = client.get("/review/county/queue/").content.decode()
    assert badges(html, application.enterprise.name) == ["✗1 项不满足：A5", "?3 项待核实：C5、E3、E4"]
    assert 'title="不满足：A5"' in html


def test_the_city_clusters_show_the_badge(client):
    application = failing(State.CITY_REVIEW)
    client.force_login(actor_for(application, "city_forward"))
    html = client.get("/review/city/clusters/").content.decode()
    assert badges(html, application.enterprise.name)[0] == "✗1 项不满足：A5"


def test_the_province_list_and_the_meeting_show_the_badge(client):
    application = failing(State.PROVINCE_REVIEW)
    province, meeting = meeting_with([application], [("award", 1)], close=False)
    client.force_login(province)
    html = client.get("/review/province/applications/").content.decode()
    assert badges(html, application.enterprise.name)[0] == "✗1 项不满足：A5"
    html = client.get(f"/review/province/meetings/{meeting.pk}/").content.decode()
    assert badges(html, application.enterprise.name)[0] == "✗1 项不满足：A5"


def test_an_application_meeting_every_condition_shows_only_what_waits(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "county_pass"))
    html = client.get("/review/county/queue/").content.decode()
    assert badges(html, application.enterprise.name) == ["?4 项待核实：B1、C5、E3、E4"]
