"""Synthetic but valid 统一社会信用代码 for demo and bulk enterprises."""

from applications import uscc

ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code_value(char):
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def synthetic_credit_code(county_code: str, serial: int) -> str:
    """A valid synthetic 统一社会信用代码: 91 + county + GB 11714 organisation code + GB 32100 check."""
    body, n = "", serial
    for _ in range(6):
        n, r = divmod(n, len(uscc.CHARSET))
        body = uscc.CHARSET[r] + body
    body = "MA" + body
    c = 11 - sum(org_code_value(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    org_check = {10: "X", 11: "0"}.get(c, str(c))
    first17 = f"91{county_code}{body}{org_check}"
    if org_check == "X" and "X" not in uscc.CHARSET:  # pragma: no cover - X is in the charset
        raise ValueError
    return first17 + uscc.expected_check_character(first17)
