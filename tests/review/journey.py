"""Walk applications through the real workflow service, each step by an official of the right unit."""

from itertools import count

from applications.models import Application, State
from portal.accounts.models import Role, User
from review.services import application_set_city_ranks, county_verification_save, perform_transition
from review.workflow import FORWARDED_STATES, RANKED_STATES
from tests.factories import (
    ClusterFactory,
    EnterpriseFactory,
    city_official,
    county_official,
    eligible_application,
    enterprise_user,
    province_official,
)

OPINION = "经审核，意见如下。"

# The action that leads to each state, from the state before it (the main road).
ROAD = {
    State.COUNTY_REVIEW: ["submit"],
    State.CITY_REVIEW: ["submit", "verify", "county_pass"],
    State.PROVINCE_REVIEW: ["submit", "verify", "county_pass", "city_forward"],
    State.RETURNED: ["submit", "county_return"],
    State.REJECTED: ["submit", "county_reject"],
    State.WITHDRAWN: ["submit", "withdraw"],
}


def official(role, unit):
    found = User.objects.filter(role=role, unit_id=unit, is_active=True).order_by("id").first()
    if found:
        return found
    return {Role.COUNTY: county_official, Role.CITY: city_official}[role](unit) if role != Role.PROVINCE else province_official()


def actor_for(application, action):
    enterprise = application.enterprise
    if action in ("submit", "withdraw"):
        return enterprise.users.first() or enterprise_user(enterprise)
    if action.startswith("county") or action == "verify":
        return official(Role.COUNTY, enterprise.county_id)
    if action.startswith("city"):
        return official(Role.CITY, Application.objects.get(pk=application.pk).city_id)
    return official(Role.PROVINCE, "130000")


def verify(application, **figures):
    data = {name: getattr(application, name) for name in ("revenue", "tax_total", "total_assets", "owners_equity", "cluster_rank")}
    data.update(figures, remarks=figures.get("remarks", ""))
    existing = getattr(Application.objects.get(pk=application.pk), "county_verification", None)
    return county_verification_save(
        application_id=application.pk, actor=actor_for(application, "verify"), data=data,
        version=existing.version if existing else 0,
    )


def rank_next(application, now=None):
    """Rank the cluster as the city must before forwarding `application`: it takes the next rank to forward (the
    lowest no forwarded application holds), the other applications the city still reviews follow it."""
    if Application.objects.get(pk=application.pk).state != State.CITY_REVIEW:
        return  # nothing to rank: the forward itself is refused
    in_cluster = Application.objects.filter(
        campaign_id=application.campaign_id, cluster_id=application.cluster_id, state__in=RANKED_STATES
    ).order_by("pk")
    taken = {a.city_rank for a in in_cluster if a.state in FORWARDED_STATES}
    free = (n for n in count(1) if n not in taken)
    waiting = [a.pk for a in in_cluster if a.state == State.CITY_REVIEW and a.pk != application.pk]
    ranks = {pk: next(free) for pk in [application.pk, *waiting]}
    application_set_city_ranks(
        actor=actor_for(application, "city_forward"), campaign=application.campaign, cluster_id=application.cluster_id,
        ranks=ranks, now=now,
    )


def walk(application, *actions, now=None):
    for action in actions:
        if action == "verify":
            verify(application)
            continue
        if action == "city_forward":
            rank_next(application, now=now)
        perform_transition(
            application_id=application.pk, action=action, actor=actor_for(application, action), opinion=OPINION, now=now,
        )
    application.refresh_from_db()
    return application


def application_in(state, **kwargs):
    """An eligible application walked to `state` (draft, or any state on the road above)."""
    application = eligible_application(**kwargs)
    return walk(application, *ROAD.get(state, []))


def qinghe_enterprise(**kwargs):
    """An enterprise of 清河县 (邢台市): outside 安平县 and 衡水市."""
    cluster = ClusterFactory(name="清河县羊绒及制品产业集群", county_id="130534", industry="羊绒")
    return EnterpriseFactory(cluster=cluster, **kwargs)
