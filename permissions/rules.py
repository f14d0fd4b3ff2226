"""Who may see or do what: every permission of the portal, as django-rules predicates, and nothing else.

Callers only ask `user.has_perm(name)` or `user.has_perm(name, obj)`:

- without an object, the page-level question: may this user's role use these pages at all? Views declare it
  (`portal/accounts/decorators.py`); a wrong role gets 403.
- with an object (an application, or anything that belongs to one: material, spot check, review record,
  certificate), the role's right *and* the object's jurisdiction (`applications_visible_to`, the one place
  jurisdiction is defined). Views reach objects through the scoping selectors, so an object outside the
  jurisdiction is a 404 before any permission is asked; services and templates ask with the object.

Transitions take their role from the workflow table (`review/workflow.py`): one permission per action,
`review.take_<action>`. Notification recipients (`review/notifications.py: recipients_for`) are the officials for
whom `review.view_queued_application` holds (a transition's notice) or `applications.read_application` (a notice
about the title).

This module and the user model are the only places that compare roles. Names avoid Django's generated model
permissions (`view_<model>`, `change_<model>`, …), which ModelBackend grants a superuser wholesale
(tests/security/test_permissions.py checks it).
"""

import rules

from applications.models import Application
from applications.selectors import is_visible_to
from portal.accounts.models import Role
from review.selectors import transition_permission, transitions_open_to
from review.workflow import TRANSITIONS

# ---------------------------------------------------------------------------------------------------------------
# Roles (the only role comparisons in the code, with the user model)
# ---------------------------------------------------------------------------------------------------------------


def _has_role(user, role) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == role)


@rules.predicate
def is_enterprise_user(user):
    return _has_role(user, Role.ENTERPRISE)


@rules.predicate
def is_county_official(user):
    return _has_role(user, Role.COUNTY)


@rules.predicate
def is_city_official(user):
    return _has_role(user, Role.CITY)


@rules.predicate
def is_province_official(user):
    return _has_role(user, Role.PROVINCE)


@rules.predicate
def is_sysadmin(user):
    return _has_role(user, Role.SYSADMIN)


@rules.predicate
def is_auditor(user):
    return _has_role(user, Role.AUDITOR)


@rules.predicate
def is_staff(user):
    return bool(user.is_authenticated and user.is_staff)


@rules.predicate
def is_signed_in(user):
    return bool(user.is_authenticated and user.is_active)


is_official = is_county_official | is_city_official | is_province_official
# The roles that read applications (within their jurisdiction); the administrators read none (separation of duties).
reads_applications = is_enterprise_user | is_official

ROLE_PREDICATES = {
    Role.ENTERPRISE: is_enterprise_user,
    Role.COUNTY: is_county_official,
    Role.CITY: is_city_official,
    Role.PROVINCE: is_province_official,
    Role.SYSADMIN: is_sysadmin,
    Role.AUDITOR: is_auditor,
}

# ---------------------------------------------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------------------------------------------


def _application_of(obj) -> Application | None:
    if isinstance(obj, Application):
        return obj
    # A certificate belongs to the application it was issued for, as in certificates_visible_to (a re-issued
    # certificate is no longer any application's current one).
    return getattr(obj, "issued_for", None) or getattr(obj, "application", None)


@rules.predicate
def without_object(user, obj):
    return obj is None


@rules.predicate
def in_jurisdiction(user, obj):
    """The object's application is among `applications_visible_to(user)`; remembered on the instance for the
    request (a page asks several permissions about the same application)."""
    application = _application_of(obj)
    if application is None or application.pk is None:
        return False
    return is_visible_to(user, application)


# Without an object: the role's page; with one: the role's right on that object.
within_jurisdiction = without_object | in_jurisdiction


@rules.predicate
def has_an_action(user, application):
    """The workflow table gives the user an action on the application in its current state."""
    return application is not None and bool(transitions_open_to(user, application))


# ---------------------------------------------------------------------------------------------------------------
# Accounts, administration, audit
# ---------------------------------------------------------------------------------------------------------------

rules.add_perm("accounts.use_portal", is_signed_in)  # own password, second factor, notifications
rules.add_perm("accounts.use_workbench", is_sysadmin)  # the 系统管理员's start page
rules.add_perm("accounts.use_admin", is_sysadmin & is_staff)  # Django's admin: accounts and reference data
rules.add_perm("audit.read_log", is_auditor)  # search and export the audit log

# ---------------------------------------------------------------------------------------------------------------
# The enterprise's application
# ---------------------------------------------------------------------------------------------------------------

rules.add_perm("applications.use_enterprise_pages", is_enterprise_user)
rules.add_perm("applications.read_application", reads_applications & within_jurisdiction)
# Editing (and deleting a material) is the enterprise's own; whether the state still allows it is the
# service's domain rule (a message, not a refusal of access).
rules.add_perm("applications.edit_application", is_enterprise_user & within_jurisdiction)
rules.add_perm("applications.download_material", reads_applications & within_jurisdiction)

# ---------------------------------------------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------------------------------------------

rules.add_perm("review.use_review_pages", is_official)  # the officials' application page and its actions
rules.add_perm("review.read_internal_notes", is_official & within_jurisdiction)
rules.add_perm("review.download_document", reads_applications & within_jurisdiction)  # PDFs, dossier
# The officials who must act on the application next: the ones a transition tells.
rules.add_perm("review.view_queued_application", is_official & ~without_object & has_an_action)
for _action, _transition in TRANSITIONS.items():
    rules.add_perm(transition_permission(_action), ROLE_PREDICATES[_transition.role] & within_jurisdiction)

rules.add_perm("review.use_county_pages", is_county_official)
rules.add_perm("review.verify_application", is_county_official & within_jurisdiction)  # 核实情况证明

rules.add_perm("review.use_city_pages", is_city_official)
rules.add_perm("review.rank_applications", is_city_official & within_jurisdiction)  # 集群内推荐排序

rules.add_perm("review.use_province_pages", is_province_official)
rules.add_perm("review.manage_spot_checks", is_province_official & within_jurisdiction)
rules.add_perm("review.manage_meetings", is_province_official)
rules.add_perm("review.carry_out_awards", is_province_official)
rules.add_perm("review.publish_results", is_province_official)
rules.add_perm("review.extend_deadlines", is_province_official)
rules.add_perm("review.manage_certificate_batches", is_province_official)
rules.add_perm("review.revoke_certificates", is_province_official & within_jurisdiction)
rules.add_perm("review.issue_revocation_notices", is_province_official)  # 撤销称号通报

# 汇总表 and 推荐文件: the city its own city's, the province the whole province (or any one city).
rules.add_perm("review.export_summary", is_city_official | is_province_official)
rules.add_perm("review.export_province_summary", is_province_official)

# ---------------------------------------------------------------------------------------------------------------
# The title after the meeting (titles/): 公示, certificates, monitoring, the dashboard
# ---------------------------------------------------------------------------------------------------------------

rules.add_perm("titles.manage_publicity", is_province_official)  # 公示, objections and the objectors' data
rules.add_perm("titles.manage_certificates", is_province_official)  # 撤销称号, 换发证书
rules.add_perm("titles.hold_titles", is_enterprise_user)  # 我的称号: validity, 复核, the yearly report
rules.add_perm("titles.confirm_monitoring", is_county_official)  # the county confirms its holders' reports
rules.add_perm("titles.follow_monitoring", is_province_official)  # who reported, who would still qualify
rules.add_perm("titles.view_dashboard", is_province_official)
