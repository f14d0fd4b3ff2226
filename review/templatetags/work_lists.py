"""What every row of an official's list repeats (a link to the application, its state, its conditions), written
once here and rendered at a row's cost: a list of 100 rows would otherwise reverse 300 URLs and render 400
included templates (issue 16's profiles)."""

import functools

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from applications.models import State
from applications.templatetags.verdicts import verdict_icon
from portal.urls_reversed import reversed_with_pk

register = template.Library()

@register.simple_tag
def row_url(name, pk):
    """{% url name pk %} for a list's rows: the URL is reversed once per name, each row only sets its key."""
    return reversed_with_pk(name, pk)


@register.simple_tag
def state_badge(application):
    return _state_badge(application.state)


# The badges depend only on the state or the codes: each is built once per process, then reused by every row.


@functools.lru_cache(maxsize=64)
def _state_badge(state: str) -> str:
    return format_html('<span class="badge state-badge state-{}">{}</span>', state, State(state).label)


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
    return _conditions_badge(application.unmet_conditions, application.pending_conditions)


@functools.lru_cache(maxsize=1024)
def _conditions_badge(unmet: str, pending: str) -> str:
    badges = [
        _codes_badge(codes.split(), status, word)
        for codes, status, word in ((unmet, "unmet", "不满足"), (pending, "pending", "待核实"))
        if codes
    ]
    if not badges:
        return mark_safe('<span class="verdict-met">均满足</span>')
    return format_html('<div class="conditions-badges">{}</div>', format_html_join(" ", "{}", ((b,) for b in badges)))
