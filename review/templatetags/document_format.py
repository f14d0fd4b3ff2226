"""Template filters of the generated documents (review.documents.formatting; dates: portal.dates; amounts:
portal.numbers)."""

from django import template

from portal.dates import chinese_date
from portal.numbers import money
from review.documents import formatting

register = template.Library()

register.filter("money", money)
register.filter("cn_date", chinese_date)
register.filter("normalised", formatting.normalised)
register.filter("keep_tail", formatting.keep_tail)
register.filter("quoted", formatting.quoted)
register.filter("document_numbers", formatting.document_numbers)


@register.filter
def cn_ordinal(n):
    from review.documents.letters import ordinal

    return ordinal(int(n))


@register.simple_tag
def announcement_issued(campaign) -> bool:
    """Whether the campaign's 通报 has its 发文字号 and 成文日期 (its PDF can be downloaded once published)."""
    from review.documents.announcement import issued_announcement

    return campaign is not None and issued_announcement(campaign) is not None
