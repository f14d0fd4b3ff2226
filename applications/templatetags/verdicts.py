"""The verdict's mark beside its word, so a verdict never rests on colour alone: ✓ 满足 / ✗ 不满足 / ? 待核实."""

from django import template
from django.utils.html import format_html

register = template.Library()

VERDICT_MARKS = {"met": "✓", "unmet": "✗"}  # anything else awaits verification: "?"


@register.simple_tag
def verdict_icon(status):
    return format_html('<span class="verdict-icon" aria-hidden="true">{}</span>', VERDICT_MARKS.get(status, "?"))
