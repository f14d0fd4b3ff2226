"""Who is told, in the portal and by e-mail: about a transition, the enterprise and the level that must act next;
about a change of the title (titles/services.py), the enterprise and every official who may read the application."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db import transaction

from applications.models import State
from applications.selectors import users_seeing
from portal.accounts.models import Role
from portal.dates import chinese_datetime
from review.workflow import RETURN_ACTIONS, Action

# Which officials a notice goes to, as a rule of permissions/rules.py: a transition's notice to those who must act
# on the application next, a notice about the title (revoked, re-issued) to every official who may read it.
TRANSITION_NOTICE = "review.view_queued_application"
TITLE_NOTICE = "applications.read_application"


def recipients_for(application, official_permission: str = TRANSITION_NOTICE):
    """The enterprise's users, and the officials for whom the rules grant `official_permission` on the application.

    Candidates are the active users whose jurisdiction holds the application (`users_seeing`: a handful of
    accounts, whatever the number of users); the rules decide which of them are told.
    """
    return [
        user for user in users_seeing(application).order_by("pk")
        if (user.has_perm("review.use_review_pages") and user.has_perm(official_permission, application))
        or (user.has_perm("applications.use_enterprise_pages") and user.has_perm("applications.read_application", application))
    ]


# What happened, as a sentence about the enterprise (「…的申报已提交申报」 read twice).
EVENT_PHRASES = {
    "submit": "「{name}」已提交申报",
    "withdraw": "「{name}」已撤回申报",
    "county_pass": "「{name}」的申报已通过县级初审",
    "county_return": "「{name}」的申报被县级退回修改",
    "county_reject": "「{name}」的申报经县级初审不予推荐",
    "city_forward": "「{name}」的申报已审核通过并上报省局",
    "city_withdraw_forward": "「{name}」的申报已由市级撤回上报",
    "city_return_county": "「{name}」的申报被市级退回县级重新初审",
    "city_return_enterprise": "「{name}」的申报被市级退回修改",
    "city_reject": "「{name}」的申报经市级审核不予推荐",
    "province_return_city": "「{name}」的申报被省级退回市级重新审核",
    "award": "「{name}」已被认定为河北省产业集群龙头企业",
    "decline": "「{name}」的申报经省局审定未予认定",
}


# Decisions against the application: the notice says why, in the deciding level's words.
WITH_OPINION = RETURN_ACTIONS | {Action.COUNTY_REJECT, Action.CITY_REJECT, Action.CITY_WITHDRAW_FORWARD, Action.DECLINE}
# Taken back by the level that sent it on: the next level loses it from its list without having decided.
TAKEN_BACK = frozenset({Action.CITY_WITHDRAW_FORWARD})
OPINION_CHARS = 150  # the notice keeps to one portal line (Notification.message holds 300)


def transition_message(record, enterprise_name: str) -> str:
    phrase = EVENT_PHRASES.get(record.action, "「{name}」的申报：" + record.action_label)
    when = chinese_datetime(record.at)
    message = f"{phrase.format(name=enterprise_name)}（{when}），当前状态：{State(record.to_state).label}。"
    opinion = " ".join(record.opinion.split())
    if record.action in WITH_OPINION and opinion:
        shown = opinion if len(opinion) <= OPINION_CHARS else opinion[: OPINION_CHARS - 1] + "…"
        message += f"{record.actor_unit_name or Role(record.actor_role).label}意见：{shown}"
    return message


def notify_transition(record_id):
    from review.models import ReviewRecord

    record = ReviewRecord.objects.select_related("application__enterprise__county").get(pk=record_id)
    application = record.application
    message = transition_message(record, application.enterprise.name)
    # Who must act is asked of the state this transition made (the commit may come after later transitions).
    application.state = record.to_state
    recipients = recipients_for(application)
    if record.action in TAKEN_BACK:
        # The level that was working on it is told too: the application has left its list.
        application.state = record.from_state
        recipients += [user for user in recipients_for(application) if user not in recipients]
    send_notices([(user, application) for user in recipients], message)


def send_notices(notices, message: str) -> None:
    """The portal notification and the e-mail for each (user, application) pair: one wording for every notice."""
    from review.models import Notification

    Notification.objects.bulk_create(
        [Notification(recipient=user, application=application, message=message[:300]) for user, application in notices]
    )
    unread_counts_forget({user.pk for user, _ in notices})
    mails = [
        ("【龙头企业认定】" + message[:60], f"您好：\n\n{message}\n\n请登录系统查看：{settings.PUBLIC_BASE_URL}/", None, [user.email])
        for user, _ in notices
        if user.email
    ]
    send_mass_mail(mails, fail_silently=True)


# The unread count on every signed-in page's 通知 link, kept in the cache. Every write of notifications goes
# through send_notices or review.services.notifications_mark_read, which forget the counts they change; the timeout
# bounds what a write outside them (a shell, a data fix) could leave stale.
UNREAD_COUNT_SECONDS = 10 * 60


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    from review.models import Notification

    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_COUNT_SECONDS)
    return count


def unread_counts_forget(user_ids) -> None:
    """Forget the cached counts of these users now and again when the transaction commits: a request that
    counted before the commit cannot leave the old count behind."""
    keys = [_unread_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
