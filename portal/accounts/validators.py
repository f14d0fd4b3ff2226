"""Password complexity as 等保 2.0 asks: at least three of the four character classes."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

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
