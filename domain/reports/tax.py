"""Tax arithmetic, one definition for the invoice and the reports.

VAT (PPN) is only for a VAT-registered seller (PKP); prices then include it, so it is split
out of an amount, never added on top. The income-tax helper follows PP 55/2022 for an
individual seller: a final 0.5 % of gross turnover, the first Rp 500,000,000 of a year free.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PPH_FINAL_RATE = Decimal("0.005")
PPH_FREE_PER_YEAR = 500_000_000  # individual sellers pay nothing on the first Rp 500 M


@dataclass(frozen=True, slots=True)
class VatSplit:
    base: int  # the tax base (DPP): the amount without VAT
    vat: int

    @property
    def total(self) -> int:
        return self.base + self.vat


def split_vat(amount: int, rate: Decimal | float | int) -> VatSplit:
    """An amount that includes VAT at `rate` percent → base + VAT (whole rupiah, half up)."""
    rate = Decimal(str(rate))
    if rate <= 0:
        return VatSplit(amount, 0)
    base = (Decimal(amount) * 100 / (100 + rate)).quantize(Decimal(1), ROUND_HALF_UP)
    return VatSplit(int(base), amount - int(base))


def pph_final_estimate(turnover: int, earlier_in_year: int = 0) -> int:
    """Estimated final income tax on `turnover`, when the same year already had
    `earlier_in_year`: 0.5 % of the part above the year's free Rp 500 M (half up)."""
    free_left = max(PPH_FREE_PER_YEAR - max(earlier_in_year, 0), 0)
    taxable = max(turnover - free_left, 0)
    return int((Decimal(taxable) * PPH_FINAL_RATE).quantize(Decimal(1), ROUND_HALF_UP))
