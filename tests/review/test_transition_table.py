"""The whole transition table: every action from every state, by every role, inside and outside jurisdiction."""

import datetime as dt
import operator

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from portal.accounts.models import Role
from portal.directory.models import Campaign, CampaignState
from review import services
from review.models import Certificate, ClusterQuota, Objection, ReviewRecord
from review.selectors import transitions_open_to
from review.services import ActionForbidden, TransitionRefused, perform_transition
from review.workflow import TRANSITIONS
from tests.factories import (
    CampaignFactory,
    auditor,
    city_official,
    county_official,
    enterprise_user,
    province_official,
    sysadmin,
)
from tests.review.journey import OPINION, actor_for, application_in, qinghe_enterprise, rank_next, verify

pytestmark = pytest.mark.django_db

ALL_STATES = list(State.values)


def decide(application, decision, *, carry_out):
    """A closed meeting that decided `decision` for the application; carried out (认定) when asked."""
    province = actor_for(application, "award")
    meeting = services.meeting_create(
        actor=province, campaign=application.campaign, name=f"会议{application.pk}", held_on=application.campaign.opens_on,
        minutes_number="纪要1号",
    )
    services.meeting_save_decisions(
        actor=province, meeting_id=meeting.pk,
        decisions=[services.DecisionInput(application.pk, decision, 1 if decision == "award" else None)],
    )
    services.meeting_close(actor=province, meeting_id=meeting.pk)
    if carry_out:
        services.meeting_award(actor=province, meeting_id=meeting.pk)
    application.refresh_from_db()
    return application


def build(state, *, for_action=None):
    """An application in `state` whose guards for `for_action` are satisfied."""
    if state == State.AWARDED:
        return decide(application_in(State.PROVINCE_REVIEW), "award", carry_out=True)
    if state == State.NOT_AWARDED:
        return decide(application_in(State.PROVINCE_REVIEW), "decline", carry_out=True)
    if state == State.REVOKED:
        awarded = build(State.AWARDED)
        perform_transition(
            application_id=awarded.pk, action="revoke", actor=province_official(), opinion=OPINION,
            details=details_for(awarded, "revoke"),
        )
        awarded.refresh_from_db()
        return awarded
    application = application_in(state)
    if state == State.COUNTY_REVIEW:
        verify(application)
    if state == State.CITY_REVIEW and for_action:
        rank_next(application)  # a forward needs it; a return or rejection takes it away
        application.refresh_from_db()
    if state == State.PROVINCE_REVIEW and for_action in ("award", "decline", "publicize", "handle_objection"):
        decide(application, "decline" if for_action == "decline" else "award", carry_out=False)
    return application


def details_for(application, action):
    """What an action needs beyond the opinion (the 公示 objection, the 撤销依据, the campaign of a 复核)."""
    if action == "handle_objection":
        from titles.services import objection_lodge, publicity_publish

        meeting = application.meeting_decision.meeting
        publicity = publicity_publish(actor=province_official(), meeting_id=meeting.pk, starts_on=timezone.localdate())
        objection = objection_lodge(
            entry_id=publicity.entries.get().pk, name="张三", phone="13800000000", email="", content="异议",
            evidence=None, address=None,
        )
        return {"objection": objection, "outcome": "dismissed"}
    if action == "revoke":
        return {"ground": "illegal", "basis": "冀企产〔2026〕5号"}
    if action == "renew":
        Certificate.objects.filter(application=application).update(expires_on=timezone.localdate() + dt.timedelta(days=90))
        Campaign.objects.filter(pk=application.campaign_id).update(state=CampaignState.CLOSED)
        return {"campaign": CampaignFactory(year=application.campaign.year + 1)}
    return {}


def actor_of(application, action):
    return actor_for(application, "submit") if action == "renew" else actor_for(application, action)


def effect_outcomes(application):
    """What each declared effect changes, as it stands now."""
    quota = ClusterQuota.objects.filter(campaign=application.campaign, cluster=application.cluster).first()
    current = Certificate.objects.filter(application=application).first()
    return {
        "stamp_submission": application.submitted_at,
        "take_quota_slot": quota.used if quota else 0,
        "release_quota_slot": quota.used if quota else 0,
        "leave_city_ranking": application.city_rank,
        "issue_certificate": current is not None,
        "record_objection_finding": list(
            Objection.objects.filter(entry__application=application).values_list("outcome", flat=True)
        ),
        "revoke_certificate": current.revoked_at if current else None,
        "reissue_certificate": Certificate.objects.filter(issued_for=application, replaced_by__isnull=False).count(),
        "start_renewal": application.renewals.count(),
    }


# The quota's effects move the same count, one up and one down.
MOVED = {"take_quota_slot": operator.lt, "release_quota_slot": operator.gt}


def changed_outcomes(before, after):
    return {name for name in before if MOVED.get(name, operator.ne)(before[name], after[name])}


def everyone(application):
    """(label, user, inside jurisdiction) for each kind of actor."""
    return [
        ("own enterprise", actor_for(application, "submit"), True),
        ("other enterprise", enterprise_user(qinghe_enterprise()), False),
        ("county inside", actor_for(application, "county_pass"), True),
        ("county outside", county_official("130534"), False),
        ("city inside", actor_for(application, "city_forward"), True),
        ("city outside", city_official("130500"), False),
        ("province", province_official(), True),
        ("sysadmin", sysadmin(), False),
        ("auditor", auditor(), False),
    ]


@pytest.mark.parametrize("state", ALL_STATES)
def test_transition_table_every_action_role_and_jurisdiction(state):
    # Each action allowed from `state` is taken on a fresh application of the same cluster: room for all of them.
    CampaignFactory(quota_per_cluster=20)
    application = build(state)
    assert application.state == state
    actors = everyone(application)
    records = ReviewRecord.objects.filter(application=application).count()
    for action, transition in TRANSITIONS.items():
        for label, actor, inside in actors:
            visible = inside and (actor.role == Role.ENTERPRISE or application.submitted_at is not None)
            allowed = visible and actor.role == transition.role and state in transition.sources
            if allowed:
                continue  # taken below on a fresh application, so this one stays in `state`
            if not visible:
                expected = Application.DoesNotExist
            elif actor.role != transition.role:
                expected = ActionForbidden
            else:
                expected = TransitionRefused
            with pytest.raises(expected) as refused:
                perform_transition(application_id=application.pk, action=action, actor=actor, opinion=OPINION)
            if expected is TransitionRefused:
                assert not isinstance(refused.value, ActionForbidden), (action, label)
            application.refresh_from_db()
            assert application.state == state, (action, label)
        if state in transition.sources:
            fresh = build(state, for_action=action)
            details = details_for(fresh, action)
            before = effect_outcomes(fresh)
            record = perform_transition(
                application_id=fresh.pk, action=action, actor=actor_of(fresh, action), opinion=OPINION, details=details
            )
            fresh.refresh_from_db()
            assert fresh.state == transition.target == record.to_state, action
            assert record.from_state == state
            assert changed_outcomes(before, effect_outcomes(fresh)) == {e.__name__ for e in transition.effects}, action
    assert ReviewRecord.objects.filter(application=application).count() == records


def test_transition_table_sources_and_roles_are_those_of_process_md():
    table = {a: (set(t.sources), t.target, t.role) for a, t in TRANSITIONS.items()}
    assert table == {
        "submit": ({State.DRAFT, State.RETURNED, State.WITHDRAWN}, State.COUNTY_REVIEW, Role.ENTERPRISE),
        "withdraw": ({State.COUNTY_REVIEW}, State.WITHDRAWN, Role.ENTERPRISE),
        "county_pass": ({State.COUNTY_REVIEW}, State.CITY_REVIEW, Role.COUNTY),
        "county_return": ({State.COUNTY_REVIEW}, State.RETURNED, Role.COUNTY),
        "county_reject": ({State.COUNTY_REVIEW}, State.REJECTED, Role.COUNTY),
        "city_forward": ({State.CITY_REVIEW}, State.PROVINCE_REVIEW, Role.CITY),
        "city_withdraw_forward": ({State.PROVINCE_REVIEW}, State.CITY_REVIEW, Role.CITY),
        "city_return_county": ({State.CITY_REVIEW}, State.COUNTY_REVIEW, Role.CITY),
        "city_return_enterprise": ({State.CITY_REVIEW}, State.RETURNED, Role.CITY),
        "city_reject": ({State.CITY_REVIEW}, State.REJECTED, Role.CITY),
        "province_return_city": ({State.PROVINCE_REVIEW}, State.CITY_REVIEW, Role.PROVINCE),
        "award": ({State.PROVINCE_REVIEW}, State.AWARDED, Role.PROVINCE),
        "decline": ({State.PROVINCE_REVIEW}, State.NOT_AWARDED, Role.PROVINCE),
        # After the meeting: 公示 and its objections, then the title's life.
        "publicize": ({State.PROVINCE_REVIEW}, State.PROVINCE_REVIEW, Role.PROVINCE),
        "handle_objection": ({State.PROVINCE_REVIEW}, State.PROVINCE_REVIEW, Role.PROVINCE),
        "revoke": ({State.AWARDED}, State.REVOKED, Role.PROVINCE),
        "reissue": ({State.AWARDED}, State.AWARDED, Role.PROVINCE),
        "renew": ({State.AWARDED}, State.AWARDED, Role.ENTERPRISE),
    }


def test_transition_table_guards_and_effects_are_named_functions_of_the_table():
    table = {
        a: ([g.__name__ for g in t.guards], [e.__name__ for e in t.effects]) for a, t in TRANSITIONS.items()
    }
    assert table == {
        "submit": (
            ["enterprise_deadline_not_passed", "campaign_open", "application_complete"], ["stamp_submission"]
        ),
        "withdraw": (["county_not_yet_acted"], []),
        "county_pass": (
            ["county_deadline_not_passed", "county_verified", "verification_current", "reason_recorded"], []
        ),
        "county_return": (["county_deadline_not_passed", "opinion_given"], []),
        "county_reject": (["county_deadline_not_passed", "opinion_given"], []),
        "city_forward": (
            ["city_deadline_not_passed", "cluster_ranked", "forwarded_in_rank_order", "cluster_has_free_slot",
             "opinion_given", "reason_recorded"],
            ["take_quota_slot"],
        ),
        "city_withdraw_forward": (["city_deadline_not_passed", "province_not_acted"], ["release_quota_slot"]),
        "city_return_county": (["city_deadline_not_passed", "opinion_given"], ["leave_city_ranking"]),
        "city_return_enterprise": (["city_deadline_not_passed", "opinion_given"], ["leave_city_ranking"]),
        "city_reject": (["city_deadline_not_passed", "opinion_given"], ["leave_city_ranking"]),
        "province_return_city": (["opinion_given", "province_not_acted"], ["release_quota_slot"]),
        "award": (["meeting_decided_award", "publicity_cleared", "reason_recorded"], ["issue_certificate"]),
        "decline": (["meeting_declined_or_objection_upheld"], []),
        "publicize": (["meeting_decided_award", "not_yet_publicized"], []),
        "handle_objection": (["opinion_given", "objection_open"], ["record_objection_finding"]),
        "revoke": (["certificate_in_force", "opinion_given", "revocation_grounds_given"], ["revoke_certificate"]),
        "reissue": (["certificate_in_force", "opinion_given"], ["reissue_certificate"]),
        "renew": (["renewal_possible"], ["start_renewal"]),
    }


def test_only_the_returns_to_the_enterprise_point_at_what_to_fix():
    pointing = {a for a, t in TRANSITIONS.items() if t.points_at_fixes}
    assert pointing == {"county_return", "city_return_enterprise"}
    assert pointing == {a for a, t in TRANSITIONS.items() if t.target == State.RETURNED}


def test_perform_transition_has_no_action_or_state_specific_branch():
    """Everything that differs between transitions is in the table: the service names no action, state or guard."""
    import inspect

    source = inspect.getsource(services._perform_transition)
    for word in [*TRANSITIONS, *State.values, "Action.", "State.", "Guard", "_deadline", "quota", "certificate"]:
        assert word not in source, word


def test_a_refusing_guard_stops_the_later_guards_and_every_effect():
    """city_forward on a full cluster: the quota guard refuses, no slot is taken and nothing is recorded."""
    application = application_in(State.CITY_REVIEW)
    rank_next(application)
    ClusterQuota.objects.update_or_create(
        campaign=application.campaign, cluster=application.cluster, defaults={"quota": 3, "used": 3}
    )
    with pytest.raises(TransitionRefused, match="达到推荐上限"):
        perform_transition(application_id=application.pk, action="city_forward", actor=actor_for(application, "city_forward"))
    assert ClusterQuota.objects.get(campaign=application.campaign, cluster=application.cluster).used == 3
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_unknown_action_is_refused():
    application = application_in(State.COUNTY_REVIEW)
    with pytest.raises(ActionForbidden):
        perform_transition(application_id=application.pk, action="approve_everything", actor=actor_for(application, "county_pass"))


def test_the_transitions_open_to_a_user_follow_the_table():
    application = application_in(State.CITY_REVIEW)
    assert [t.label for t in transitions_open_to(actor_for(application, "city_forward"), application)] == [
        "审核通过并上报", "退回修改（退回县级）", "退回修改（退回企业）", "不予推荐",
    ]
    assert transitions_open_to(actor_for(application, "county_pass"), application) == []
    assert transitions_open_to(city_official("130500"), application) == []  # another city's


def test_the_transition_record_holds_who_what_and_the_signed_hash():
    from applications.fingerprint import fingerprint

    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    county = actor_for(application, "county_pass")
    record = perform_transition(
        application_id=application.pk, action="county_pass", actor=county, opinion="同意推荐", internal_note="电话核实"
    )
    assert (record.actor, record.actor_role, record.actor_unit_id, record.actor_unit_name) == (
        county, Role.COUNTY, "131125", "安平县",
    )
    assert (record.from_state, record.to_state, record.opinion, record.internal_note) == (
        State.COUNTY_REVIEW, State.CITY_REVIEW, "同意推荐", "电话核实",
    )
    assert record.at is not None
    assert record.data_sha256 == fingerprint(Application.objects.get(pk=application.pk))
    assert len(record.data_sha256) == 64


# Through the POST view -----------------------------------------------------------------------------------------


def post(client, user, application, action, opinion="", **extra):
    client.force_login(user)
    return client.post(
        reverse("review:transition", args=[application.pk]), {"action": action, "opinion": opinion, **extra}
    )


def test_post_county_pass_moves_the_application_and_redirects(client):
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    response = post(client, actor_for(application, "county_pass"), application, "county_pass", "同意推荐")
    assert response.status_code == 302
    assert response.url == reverse("review:application_detail", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_post_by_another_countys_official_answers_404(client):
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    assert post(client, county_official("130534"), application, "county_pass").status_code == 404
    assert client.get(reverse("review:application_detail", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


def test_post_by_another_citys_official_answers_404(client):
    application = application_in(State.CITY_REVIEW)
    assert post(client, city_official("130500"), application, "city_forward").status_code == 404
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_post_skipping_a_level_is_refused(client):
    """The city cannot forward what the county has not passed; the province cannot award what was not forwarded."""
    application = application_in(State.COUNTY_REVIEW)
    response = post(client, actor_for(application, "city_forward"), application, "city_forward")
    assert response.status_code == 200
    assert "不能进行「审核通过并上报」" in response.content.decode()
    response = post(client, province_official(), application, "award")
    assert "不能进行「认定」" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


def test_post_an_action_of_another_role_answers_403(client):
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    assert post(client, actor_for(application, "city_forward"), application, "county_pass").status_code == 403
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


def test_post_by_an_enterprise_or_admin_answers_403_and_anonymous_is_sent_to_login(client):
    application = application_in(State.COUNTY_REVIEW)
    assert post(client, actor_for(application, "submit"), application, "county_pass").status_code == 403
    assert post(client, sysadmin(), application, "county_pass").status_code == 403
    client.logout()
    response = client.post(reverse("review:transition", args=[application.pk]), {"action": "county_pass"})
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


def test_get_on_the_transition_url_is_not_allowed(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "county_pass"))
    assert client.get(reverse("review:transition", args=[application.pk])).status_code == 405


def test_refused_transitions_are_audited():
    from portal.audit.models import AuditEvent, Event

    application = application_in(State.COUNTY_REVIEW)
    with pytest.raises(TransitionRefused):
        perform_transition(application_id=application.pk, action="county_pass", actor=actor_for(application, "county_pass"))
    entry = AuditEvent.objects.filter(event=Event.TRANSITION, success=False).get()
    assert "核实情况证明" in entry.detail and str(application.pk) in entry.detail
