"""Who is told about a transition: the enterprise and the level that must act next, in the portal and by e-mail."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q

from applications.models import State
from portal.accounts.models import OFFICIAL_ROLES, User
from portal.directory.models import DivisionKind


def recipients_for(application):
    """The enterprise's users, and the officials who must act next: those for whom the rules
    (permissions/rules.py) say `review.view_queued_application`.

    Candidates are the active officials of the application's county, its reviewing city and the province (a
    handful of accounts, whatever the number of users); the rule decides which of them are told.
    """
    county = application.enterprise.county
    units = Q(unit_id__in=[county.pk, county.reviewing_city_id]) | Q(unit__kind=DivisionKind.PROVINCE)
    candidates = User.objects.filter(is_active=True).filter(
        Q(enterprise_id=application.enterprise_id) | (Q(role__in=OFFICIAL_ROLES) & units)
    ).order_by("pk")
    return [
        user for user in candidates
        if user.has_perm("review.view_queued_application", application)
        or (user.has_perm("applications.use_enterprise_pages") and user.has_perm("applications.read_application", application))
    ]


def notify_transition(record_id):
    from review.models import Notification, ReviewRecord

    record = ReviewRecord.objects.select_related("application__enterprise__county").get(pk=record_id)
    application = record.application
    message = f"「{application.enterprise.name}」的申报已{record.action_label}，当前状态：{State(record.to_state).label}。"
    # Who must act is asked of the state this transition made (the commit may come after later transitions).
    application.state = record.to_state
    recipients = recipients_for(application)
    Notification.objects.bulk_create(
        [Notification(recipient=user, application=application, message=message) for user in recipients]
    )
    mails = [
        ("【龙头企业认定】" + message[:60], message + f"\n\n请登录系统查看：{settings.PUBLIC_BASE_URL}/", None, [user.email])
        for user in recipients
        if user.email
    ]
    send_mass_mail(mails, fail_silently=True)
