"""Severity.parse: its look-up of the usual spellings gives what the Enum call gives, and refuses the same."""
import pytest

from gklint.diagnostics import Severity


@pytest.mark.parametrize("value", ["error", "warning", "info", "ERROR", "Warning", Severity.INFO])
def test_parse_is_the_enum(value):
    assert Severity.parse(value) is Severity(str(getattr(value, "value", value)).lower())


@pytest.mark.parametrize("value", ["bad", "", None, ["warning"], 1])
def test_parse_refuses(value):
    with pytest.raises(ValueError):
        Severity.parse(value)
