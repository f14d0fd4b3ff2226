import json
from pathlib import Path

import pytest

from applications import uscc

VECTORS = json.loads((Path(__file__).parents[2] / "fixtures" / "uscc_test_vectors.json").read_text())


@pytest.mark.parametrize("code", [v["code"] for v in VECTORS["valid_synthetic"]] + VECTORS["valid_public_reference"])
def test_valid_codes_pass(code):
    assert uscc.problem(code) is None


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["why"])
def test_invalid_codes_are_refused_with_the_reason(vector):
    message = uscc.problem(vector["code"])
    assert message is not None
    reason = vector["validate"][1]
    if reason.startswith("checksum"):
        expected = reason.split("expected ")[1].rstrip(")")
        assert f"第18位应为 {expected}" in message
    elif reason == "length":
        assert "18位" in message
    else:
        assert "不允许的字符" in message


def test_lower_case_is_valid_after_normalising():
    assert uscc.is_valid(" 91130682ma0d4tq80e ")


def test_standard_worked_example_is_invalid_with_expected_check():
    example = VECTORS["standard_worked_example"]
    assert f"应为 {example['expected_check']}" in uscc.problem(example["input"])


def test_weights_match_the_standard():
    assert uscc.WEIGHTS == VECTORS["weights"]
    assert uscc.CHARSET == VECTORS["charset"]
