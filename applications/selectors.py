"""Reads that every view starts from: jurisdiction lives here and nowhere else."""

from django.db.models import Count, Q

from applications.models import REPORT_SECTIONS, Application, State
from portal.accounts.models import Role, User


def submitted_applications():
    """Every application submitted in the province: the 省级审核员's jurisdiction, and the server operator's
    (management commands run on the server answer for the province)."""
    return Application.objects.filter(submitted_at__isnull=False)


# Submitted and not yet decided: the applications a routing change must not move (returned and withdrawn ones come
# back to the same city when resubmitted).
IN_FLIGHT_STATES = (State.COUNTY_REVIEW, State.CITY_REVIEW, State.PROVINCE_REVIEW, State.RETURNED, State.WITHDRAWN)


def in_flight_by_reviewing_city(county) -> dict[str, int]:
    """{reviewing city code: count} of `county`'s in-flight applications, each with the city it was submitted to."""
    rows = (
        submitted_applications().filter(enterprise__county=county, state__in=IN_FLIGHT_STATES)
        .values("reviewing_city_id").annotate(n=Count("id")).order_by("reviewing_city_id")
    )
    return {row["reviewing_city_id"] or "": row["n"] for row in rows}


def _enterprise_scope(user):
    if user.enterprise_id is None:
        return Application.objects.none()
    return Application.objects.filter(enterprise_id=user.enterprise_id)


# The officials whose jurisdiction is one unit (the county, the city): the application's field naming that unit.
UNIT_OF_APPLICATION = {Role.COUNTY: "reviewing_county_id", Role.CITY: "reviewing_city_id"}


def _unit_scope(user):
    if not user.unit_id:
        return Application.objects.none()
    return submitted_applications().filter(**{UNIT_OF_APPLICATION[user.role]: user.unit_id})


# Jurisdiction, one row per role. Officials see an application once it has been submitted; an official
# without a unit sees nothing; 系统管理员 and 审计管理员 have no row and see none (separation of duties).
JURISDICTION = {
    Role.ENTERPRISE: _enterprise_scope,
    Role.COUNTY: _unit_scope,
    Role.CITY: _unit_scope,
    Role.PROVINCE: lambda user: submitted_applications(),
}


def applications_visible_to(user):
    """The applications `user` may see at all; anything outside answers 404.

    Every permission about an application (permissions/rules.py) and every read of one starts here.
    """
    if not user.is_authenticated or not user.is_active:
        return Application.objects.none()
    scope = JURISDICTION.get(user.role)
    return scope(user) if scope else Application.objects.none()


# What each role's jurisdiction depends on: users with the same key see the same applications.
JURISDICTION_KEY = {
    Role.ENTERPRISE: lambda user: f"enterprise:{user.enterprise_id}",
    Role.COUNTY: lambda user: f"county:{user.unit_id}",
    Role.CITY: lambda user: f"city:{user.unit_id}",
    Role.PROVINCE: lambda user: "province",
}


def jurisdiction_key(user) -> str:
    """A name for what `user` sees through applications_visible_to: figures kept in the cache (review.figures) are
    shared by the users of one key."""
    if not user.is_authenticated or not user.is_active or user.role not in JURISDICTION_KEY:
        return "none"
    return JURISDICTION_KEY[user.role](user)


def _unit_of(application, path: str):
    value = application
    for name in path.split("__"):
        value = getattr(value, name)
    return value


def users_seeing(application):
    """The active users for whom `application` is among applications_visible_to(user): the table above read the
    other way (its enterprise's users; once submitted, the officials of its county and its reviewing city and the
    province's). A handful of accounts whatever the number of users, so a notice asks the rules of these only;
    tests/security/test_permissions.py checks on the demo data that nobody else may read the application."""
    seeing = Q(role=Role.ENTERPRISE, enterprise_id=application.enterprise_id)
    if application.submitted_at is not None:
        seeing |= Q(role=Role.PROVINCE)
        for role, path in UNIT_OF_APPLICATION.items():
            if (unit_id := _unit_of(application, path)) is not None:
                seeing |= Q(role=role, unit_id=unit_id)
    return User.objects.filter(seeing, is_active=True)


def _jurisdiction_memo(application, user):
    # Officials see an application only once it is submitted: the answer is remembered per submission state.
    return application.__dict__.setdefault("_jurisdiction_memo", {}), (user.pk, application.submitted_at is not None)


def is_visible_to(user, application) -> bool:
    """Whether `application` is among applications_visible_to(user), asked of the database once per instance (a
    page asks several permissions about the same application)."""
    memo, key = _jurisdiction_memo(application, user)
    if key not in memo:
        memo[key] = applications_visible_to(user).filter(pk=application.pk).exists()
    return memo[key]


def read_through_jurisdiction(application, user):
    """Record that `application` was just read from applications_visible_to(user), so is_visible_to need not
    ask again. Returns the application (None stays None)."""
    if application is not None:
        memo, key = _jurisdiction_memo(application, user)
        memo[key] = True
    return application


def enterprise_of(user):
    """The enterprise user's own enterprise, with the county and cluster its pages name (None for anyone else)."""
    from applications.models import Enterprise

    return Enterprise.objects.select_related("county", "cluster").filter(pk=user.enterprise_id).first()


def enterprise_applications(user):
    """The enterprise's applications, newest campaign first, with what the home page shows of each."""
    return (
        applications_visible_to(user)
        .select_related("campaign", "cluster", "enterprise", "certificate")
        .defer(*REPORT_SECTIONS)  # the list never shows the report; the current application is read in full apart
        .order_by("-campaign__year")
    )


def materials_visible_to(user):
    """Uploaded files follow their application's jurisdiction."""
    from applications.models import Material

    return Material.objects.filter(application__in=applications_visible_to(user))
