"""Amounts as people read them: always with their currency, never summed across currencies."""

from __future__ import annotations


def money(amount: float, currency: str) -> str:
    """``amount`` rounded to whole units, grouped by thousands, with its ISO currency code.

    >>> money(1_200_000, "EUR"), money(-3500.4, "USD")
    ('1,200,000 EUR', '-3,500 USD')
    """
    return f"{amount:,.0f} {currency}"
