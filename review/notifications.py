"""Who is told about a transition: the enterprise and the level that must act next, in the portal and by e-mail."""

from django.conf import settings
from django.core.mail import send_mass_mail

from applications.models import State
from portal.accounts.models import Role, User

NEXT_LEVEL = {
    State.COUNTY_REVIEW: Role.COUNTY,
    State.CITY_REVIEW: Role.CITY,
    State.PROVINCE_REVIEW: Role.PROVINCE,
}


def recipients_for(application, to_state):
    enterprise_users = User.objects.filter(role=Role.ENTERPRISE, enterprise_id=application.enterprise_id, is_active=True)
    recipients = list(enterprise_users)
    role = NEXT_LEVEL.get(to_state)
    officials = User.objects.filter(role=role, is_active=True) if role else User.objects.none()
    if role == Role.COUNTY:
        officials = officials.filter(unit_id=application.enterprise.county_id)
    elif role == Role.CITY:
        officials = officials.filter(unit_id=application.enterprise.county.reviewing_city_id)
    return recipients + list(officials)


def notify_transition(record_id):
    from review.models import Notification, ReviewRecord

    record = ReviewRecord.objects.select_related("application__enterprise__county").get(pk=record_id)
    application = record.application
    message = f"「{application.enterprise.name}」的申报已{record.action_label}，当前状态：{State(record.to_state).label}。"
    recipients = recipients_for(application, record.to_state)
    Notification.objects.bulk_create(
        [Notification(recipient=user, application=application, message=message) for user in recipients]
    )
    mails = [
        ("【龙头企业认定】" + message[:60], message + f"\n\n请登录系统查看：{settings.PUBLIC_BASE_URL}/", None, [user.email])
        for user in recipients
        if user.email
    ]
    send_mass_mail(mails, fail_silently=True)
