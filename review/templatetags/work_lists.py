"""What every row of an official's list repeats (a link to the application, its state, its conditions), written
once here and rendered at a row's cost: a list of 100 rows would otherwise reverse 300 URLs and render 400
included templates (issue 16's profiles)."""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from applications.templatetags.verdicts import verdict_icon

register = template.Library()

_MARK = 987654321  # stands for the primary key while the URL is reversed once


@functools.lru_cache(maxsize=64)
def _around_pk(name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK], urlconf=urlconf).partition(str(_MARK))
    return head, tail


@register.simple_tag
def row_url(name, pk):
    """{% url name pk %} for a list's rows: the URL is reversed once per name, each row only sets its key."""
    head, tail = _around_pk(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{int(pk)}{tail}"


@register.simple_tag
def state_badge(application):
    return format_html('<span class="badge state-badge state-{}">{}</span>', application.state, application.get_state_display())


def _codes_badge(codes, status, word):
    joined = "、".join(codes)
    return format_html(
        '<span class="badge rounded-pill conditions-badge verdict-{}" title="{}：{}">{}{} 项{}'
        '<span class="conditions-codes">：{}</span></span>',
        status, word, joined, verdict_icon(status), len(codes), word, joined,
    )


@register.simple_tag
def conditions_badge(application):
    """「n 项不满足 / n 项待核实」 from the stored verdicts (Application.unmet_conditions, pending_conditions), the codes
    after the count and in the title; 均满足 when neither."""
    badges = [
        _codes_badge(codes, status, word)
        for codes, status, word in ((application.unmet_codes, "unmet", "不满足"), (application.pending_codes, "pending", "待核实"))
        if codes
    ]
    if not badges:
        return mark_safe('<span class="verdict-met">均满足</span>')
    return format_html('<div class="conditions-badges">{}</div>', format_html_join(" ", "{}", ((b,) for b in badges)))
