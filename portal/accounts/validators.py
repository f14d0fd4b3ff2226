"""Password complexity as 等保 2.0 asks: at least three of the four character classes, and not a common password
(nor the demo accounts' published password)."""

import re
import string
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

# The demo accounts' password (demo/seed.py), published in the README. Every password set through the portal
# (forms, admin, create_official) is refused if it is this one, so in production only data carried over from a
# demo database can hold it, and `check --deploy` looks for that (demo/production.py).
DEMO_PASSWORD = "Demo#2024hb"  # noqa: S105 - published on purpose: it is the one password no real account may have

CHARACTER_CLASSES = (
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "特殊字符"),
)


class CharacterClassValidator:
    required = 3

    def validate(self, password, user=None):
        present = sum(1 for pattern, _ in CHARACTER_CLASSES if pattern.search(password))
        if present < self.required:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类。", code="password_too_simple"
            )

    def get_help_text(self):
        return "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a Chinese message (its zh-hans catalogue lacks this one)."""

    def get_error_message(self):
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's 20,000 common passwords plus the most common Chinese ones (common_passwords_zh.txt: digit
    runs, keyboard walks, 5201314 and woaini, pinyin names, place names, admin/qq variants). Compared
    case-insensitively, and also with the usual disguises undone: symbols and digits appended at the end
    (`Aa123456!`, `zhangwei2024`) and digits or symbols written for look-alike letters (`P@ssw0rd`).
    The demo password is refused the same way, with its own message: anyone who has read the README knows it."""

    CHINESE_LIST = Path(__file__).with_name("common_passwords_zh.txt")
    LOOK_ALIKES = (str.maketrans("0134578@$!", "oieastbasi"), str.maketrans("0134578@$!", "oleastbasl"))
    MESSAGE = "这个密码太常见了。常见密码加上数字、符号，或把字母写成形似的数字、符号，同样容易被猜中，请换一个。"
    DEMO_MESSAGE = "这是演示账号公开使用的密码，任何人都可能知道，请换一个。"

    def __init__(self, password_list_path=password_validation.CommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH):
        super().__init__(password_list_path)
        self.passwords |= {
            line.strip().lower() for line in self.CHINESE_LIST.read_text(encoding="utf-8").splitlines() if line.strip()
        }

    @classmethod
    def variants(cls, password: str) -> set[str]:
        base = password.lower().strip()
        without_symbols = base.rstrip(string.punctuation + " ")
        core = without_symbols.rstrip(string.digits).rstrip(string.punctuation + " ")
        forms = {base, without_symbols} | ({core} if len(core) >= 4 else set())
        return forms | {form.translate(table) for form in forms for table in cls.LOOK_ALIKES}

    def validate(self, password, user=None):
        forms = self.variants(password)
        if DEMO_PASSWORD.lower() in forms:
            raise ValidationError(self.DEMO_MESSAGE, code="password_too_common")
        if forms & self.passwords:
            raise ValidationError(self.MESSAGE, code="password_too_common")

    def get_help_text(self):
        return "不能使用常见密码（包括常见密码加数字、符号的写法）。"
