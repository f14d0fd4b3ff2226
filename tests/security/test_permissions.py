"""One permissions module (permissions/rules.py): every view declares its permission, the rules answer for every
role, nothing else compares roles, and notification recipients are the officials the rules name."""

import re
from pathlib import Path

import pytest
import rules
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from applications.models import Application, State
from demo.seed import seed_demo
from portal.accounts.decorators import PUBLIC
from portal.accounts.models import OFFICIAL_ROLES, Role, User
from portal.accounts.navigation import ROLE_HOME, ROLE_MENU
from review.models import Notification
from review.notifications import recipients_for
from review.selectors import transition_permission
from review.workflow import TRANSITIONS
from tests.factories import (
    CampaignFactory,
    auditor,
    city_official,
    county_official,
    eligible_application,
    province_official,
    sysadmin,
    user_of_role,
)
from titles.services import notify_title_change

ROOT = Path(settings.BASE_DIR)


def url_callbacks(patterns=None, prefix="", namespace=None):
    """(name, route, view callback) for every URL pattern the resolver knows."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_callbacks(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, prefix + str(entry.pattern), entry.callback


def declared_permission(callback):
    view_class = getattr(callback, "view_class", None)
    return getattr(callback, "permission_required", None) or getattr(view_class, "permission_required", None)


# Included from libraries whose views we do not decorate: the admin (every page passes admin.site.has_permission,
# tested below) and the captcha's image, audio and refresh endpoints, public like the login page that shows them.
LIBRARY_ROUTES = ("admin/", "captcha/")
PORTAL_VIEWS = [(name, route, callback) for name, route, callback in url_callbacks() if not route.startswith(LIBRARY_ROUTES)]


@pytest.mark.parametrize(("name", "route", "callback"), PORTAL_VIEWS, ids=[n or r for n, r, _ in PORTAL_VIEWS])
def test_every_view_declares_a_permission_the_rules_know(name, route, callback):
    permission = declared_permission(callback)
    assert permission, f"{name or route}: the view declares no permission (permission_required(...) or @public)"
    assert permission == PUBLIC or rules.perm_exists(permission), f"{name or route}: no rule named {permission!r}"


def menu_permission(url: str) -> str:
    """The permission the view behind `url` declares; the admin's pages all ask accounts.use_admin (see below)."""
    match = resolve(url)
    return "accounts.use_admin" if match.namespace == "admin" else declared_permission(match.func)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_menu_link_opens_a_page_the_role_may_open(client, role):
    """The navigation (ROLE_MENU, and the home page ROLE_HOME) offers each role only pages whose declared
    permission it holds: each link opens, none answers 403."""
    CampaignFactory()  # the review pages show a campaign
    user = user_of_role(role)
    links = [(label, reverse(name)) for label, name in [*ROLE_MENU[role], ("首页", ROLE_HOME[role])]]
    assert links, role
    refused = [f"{label} {url}" for label, url in links if not user.has_perm(menu_permission(url))]
    assert refused == []
    client.force_login(user)
    assert {url: client.get(url).status_code for _, url in links} == {url: 200 for _, url in links}


def test_the_public_pages_are_exactly_the_ones_meant_to_be():
    public = {name for name, _, callback in PORTAL_VIEWS if declared_permission(callback) == PUBLIC}
    assert public == {
        "home", "health", "guide", "guide_notice", "guide_template", "verify", "verify_document",
        "accounts:login", "accounts:logout", "accounts:password_reset", "accounts:password_reset_done",
        "accounts:password_reset_confirm", "accounts:password_reset_complete", "applications:register",
        "review:public_awarded", "documents:announcement_pdf",
        "titles:publicity_public", "titles:objection_lodge", "titles:objection_received",
    }


@pytest.mark.django_db
def test_the_admin_is_open_exactly_to_whom_the_rule_says():
    """Every admin URL passes admin.site.has_permission, which asks the rule accounts.use_admin."""
    users = [sysadmin(), auditor(), province_official(), county_official("131125"), sysadmin(is_active=False)]
    request = RequestFactory().get("/admin/")
    for user in [*users, AnonymousUser()]:
        request.user = user
        assert admin.site.has_permission(request) == user.has_perm("accounts.use_admin")
    assert [user.has_perm("accounts.use_admin") for user in users] == [True, False, False, False, False]


@pytest.mark.django_db
def test_no_rule_shares_its_name_with_a_django_model_permission():
    """ModelBackend grants a superuser every model permission: a rule with such a name would open to the
    系统管理员 what the rule keeps from it."""
    model_permissions = {
        f"{app_label}.{codename}" for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    clashes = sorted(name for name in rules.permissions.permissions if name in model_permissions)
    assert not clashes


@pytest.mark.django_db
def test_a_rule_that_answers_no_asks_no_permission_table(django_assert_num_queries):
    """The rules alone answer their permissions: a county official asked for the province's pages is refused
    without reading Django's permission tables (two queries on every page that asks such a question)."""
    official = county_official("131125")
    with django_assert_num_queries(0):
        assert not official.has_perm("review.use_province_pages")
        assert official.has_perm("review.use_county_pages")


@pytest.mark.django_db
def test_the_superuser_flag_opens_no_business_permission():
    application = eligible_application()
    admin_user = sysadmin()
    assert admin_user.is_superuser
    business = [name for name in rules.permissions.permissions if not name.startswith("accounts.")]
    assert [name for name in business if admin_user.has_perm(name) or admin_user.has_perm(name, application)] == []
    assert admin_user.has_perm("directory.change_campaign")  # the admin's own model permissions stay


@pytest.mark.django_db
def test_transitions_follow_the_table_role_and_the_jurisdiction():
    application = eligible_application()
    owner = application.enterprise.users.get()
    application.state = State.COUNTY_REVIEW
    application.submitted_at = application.created_at
    application.reviewing_county_id = application.enterprise.county_id  # as the submission stamps it
    application.save()
    inside, outside, city = county_official("131125"), county_official("130534"), city_official("131100")
    for action, transition in TRANSITIONS.items():
        if application.state not in transition.sources:
            continue
        permission = transition_permission(action)
        assert inside.has_perm(permission, application) == (transition.role == "county"), action
        assert owner.has_perm(permission, application) == (transition.role == "enterprise"), action
        assert not outside.has_perm(permission, application) and not city.has_perm(permission, application)


def test_no_role_comparison_outside_the_permissions_module_and_the_user_model():
    allowed = {ROOT / "permissions" / "rules.py", ROOT / "portal" / "accounts" / "models.py"}
    pattern = re.compile(r"role [!=]= Role\.|user\.role\s*(==|!=|in)\s*[\"'(]|\.role\s+in\s+review_roles")
    found = []
    for path in [*ROOT.glob("**/*.py"), *ROOT.glob("templates/**/*.html")]:
        relative = path.relative_to(ROOT).parts
        if relative[0] in (".venv", "tests", "var", "node_modules") or path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


# ------------------------------------------------------------------------------------------------------------
# Notifications: the officials the rules name
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notification_recipients_are_the_officials_the_rules_name_for_every_demo_application():
    seed_demo()
    officials = list(User.objects.filter(is_active=True, role__in=OFFICIAL_ROLES))
    named = {}
    for application in Application.objects.select_related("enterprise__county"):
        told = {user.pk for user in recipients_for(application) if user.role in OFFICIAL_ROLES}
        expected = {user.pk for user in officials if user.has_perm("review.view_queued_application", application)}
        assert told == expected, application
        named[application.state] = {User.objects.get(pk=pk).username for pk in told}
        enterprise_users = {user.pk for user in recipients_for(application) if user.role not in OFFICIAL_ROLES}
        assert enterprise_users == set(application.enterprise.users.filter(is_active=True).values_list("pk", flat=True))
    # What that means in the demo: the level that must act next, and nobody once the decision is made.
    assert named[State.COUNTY_REVIEW] == {"county-131125"}
    assert named[State.CITY_REVIEW] == {"city-131100"}
    # The city may still take back what it forwarded (撤回上报) until the province acts, so it hears of it too.
    assert named[State.PROVINCE_REVIEW] == {"province", "city-131100"}
    assert named[State.AWARDED] == named[State.RETURNED] == named[State.DRAFT] == set()


@pytest.mark.django_db
def test_title_change_notices_go_to_the_officials_who_may_read_the_application_for_every_demo_application():
    seed_demo()
    officials = list(User.objects.filter(is_active=True, role__in=OFFICIAL_ROLES))
    named = {}
    for application in Application.objects.select_related("enterprise__county"):
        message = f"称号变更测试 {application.pk}"
        notify_title_change(application, message)
        told = set(Notification.objects.filter(message=message).values_list("recipient", flat=True))
        expected = {user.pk for user in officials if user.has_perm("applications.read_application", application)}
        expected |= set(application.enterprise.users.filter(is_active=True).values_list("pk", flat=True))
        assert told == expected, application
        officials_told = User.objects.filter(pk__in=told, role__in=OFFICIAL_ROLES)
        named[application.state] = set(officials_told.values_list("username", flat=True))
    # What that means in the demo: once submitted, its county, its city and the province; before, nobody.
    assert named[State.COUNTY_REVIEW] == {"county-131125", "city-131100", "province"}
    assert named[State.AWARDED] == named[State.REVOKED] == {"county-130534", "city-130500", "province"}
    assert named[State.DRAFT] == set()


@pytest.mark.django_db
def test_a_submitted_application_stays_with_the_county_that_took_it():
    """The county is fixed at the first 提交申报 (Application.reviewing_county), like the reviewing city: an enterprise
    that later moves takes only its new applications to its new county."""
    from tests.review.journey import application_in

    application = application_in(State.COUNTY_REVIEW)
    assert application.reviewing_county_id == application.enterprise.county_id == "131125"
    took_it, new_county = county_official("131125"), county_official("130534")
    application.enterprise.county_id = "130534"
    application.enterprise.save(update_fields=["county"])
    assert took_it.has_perm("applications.read_application", application)
    assert not new_county.has_perm("applications.read_application", Application.objects.get(pk=application.pk))
