"""How documents print numbers and quotations: one format each, everywhere (forms, letters, 汇总表).

Dates are the portal's one format (portal.dates.chinese_date: 2003年6月18日, as GB/T 9704 writes 成文日期), amounts
too (portal.numbers.money: 68,000.00).
"""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Dates written by other code as 2003年06月18日 are printed like every other date: 2003年6月18日.
PADDED_DATE = re.compile(r"(\d{4})年0?(\d{1,2})月0?(\d{1,2})日")
# A 发文字号 (机关代字〔年份〕序号号, GB/T 9704 7.2.4), kept on one line wherever it is printed.
DOCUMENT_NUMBER = re.compile(r"[^\s，。、；：（）〔〕]{0,12}〔\d{4}〕\d{1,4}号")
# A bare amount with two decimals and no separators (68000.00) gets them (68,000.00).
BARE_AMOUNT = re.compile(r"(?<![\d,.])(\d{4,})\.(\d{2})(?![\d])")


def quoted(text: str) -> str:
    """Mainland quotation marks: “河北省产业集群龙头企业”."""
    return f"“{text}”"


def normalised(text: str) -> str:
    """Text from elsewhere (verdict reasons) in the documents' formats: dates, amounts and quotation marks."""
    text = PADDED_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text)
    text = BARE_AMOUNT.sub(lambda m: f"{int(m[1]):,}.{m[2]}", text)
    return text.replace("「", "“").replace("」", "”")


def keep_tail(text: str, size: int = 3) -> SafeString:
    """Escaped text whose last `size` characters never wrap apart: no line holding a lone 「位」."""
    text = str(text or "")
    if len(text) <= size:
        return conditional_escape(text)
    head, tail = text[:-size], text[-size:]
    return format_html('{}<span class="nowrap">{}</span>', head, tail)


def nowrap_safe(text: str) -> SafeString:
    return mark_safe(f'<span class="nowrap">{conditional_escape(text)}</span>')  # noqa: S308 - escaped above


def document_numbers(text: str) -> SafeString:
    """Escaped text in which every 发文字号 (冀中小企〔2026〕12号) stays on one line."""
    text = str(text or "")
    parts, last = [], 0
    for match in DOCUMENT_NUMBER.finditer(text):
        parts.append(conditional_escape(text[last : match.start()]))
        parts.append(nowrap_safe(match[0]))
        last = match.end()
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above
