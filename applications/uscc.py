"""统一社会信用代码 (GB 32100-2015): normalisation and check-character validation."""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def expected_check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """What is wrong with an already normalised code, in Chinese; None when it is valid.

    Positions 3-8 record the issuing office's division and are deliberately not compared with the
    enterprise's county.
    """
    if len(code) != LENGTH:
        return f"统一社会信用代码应为18位，您输入了{len(code)}位。"
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        message = f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用字母 I、O、S、V、Z）"
        if all(c in CHARSET for c in code[:17]):
            message += f"；第18位校验位应为 {expected_check_character(code[:17])}"
        return message + "。"
    expected = expected_check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为 {expected}，请核对是否输错。"
    return None


def is_valid(code: str) -> bool:
    return problem(normalise(code)) is None
