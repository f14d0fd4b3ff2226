"""How the portal writes an amount of 万元, on every screen and in every document: 68,000.00."""

from decimal import Decimal


def money(value) -> str:
    """68,000.00 — thousands separators and two decimals; an empty value is a dash."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"
