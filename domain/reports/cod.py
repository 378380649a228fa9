"""Cash on delivery: money delivered but not yet handed over by the courier (by courier and
age), the refusal rate, and recording a remittance (courier, date, amount, which orders)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.actors import Actor
from domain.errors import InvalidInput
from domain.fulfilment.couriers import CourierBook
from domain.reports import returns
from domain.reports.periods import Period
from domain.store import Connection, Store
from domain.store import cod as cod_rows
from domain.validation import parse_rupiah

# Age bands of outstanding money, in days since delivery: ≤3, 4–7, 8–14, >14.
AGE_BANDS = (3, 7, 14)
MAX_ORDERS_PER_REMITTANCE = 200


@dataclass(frozen=True, slots=True)
class CourierOutstanding:
    courier: str
    orders: int
    amount: int
    by_band: tuple[int, ...]  # amount per age band (len(AGE_BANDS) + 1)
    oldest: datetime | None


@dataclass(frozen=True, slots=True)
class Cod:
    couriers: list[CourierOutstanding] = field(default_factory=list)
    delivered: int = 0  # COD orders delivered in the period
    refusals: returns.Refusals = field(default_factory=returns.Refusals)

    @property
    def refused(self) -> int:
        """COD parcels refused at the door (returned to sender) in the period."""
        return self.refusals.refused

    @property
    def orders(self) -> int:
        return sum(c.orders for c in self.couriers)

    @property
    def amount(self) -> int:
        return sum(c.amount for c in self.couriers)

    @property
    def refusal_rate(self) -> float | None:
        """Refused ÷ COD orders shipped in the period (returns.Refusals)."""
        return self.refusals.rate

    @property
    def refusal_cost(self) -> int:
        """Both shipping legs of the refused parcels: the shop's cost."""
        return self.refusals.cost


async def cod(db: Connection, period: Period, now: datetime) -> Cod:
    bounds = [now - timedelta(days=d) for d in AGE_BANDS]
    rows = await cod_rows.outstanding_by_age(db, bounds)
    per: dict[str, dict] = {}
    for r in rows:
        c = per.setdefault(r["courier"], {"n": 0, "amount": 0, "bands": [0] * (len(bounds) + 1),
                                           "oldest": r["oldest"]})
        c["n"] += r["n"]
        c["amount"] += r["amount"]
        c["bands"][r["band"]] += r["amount"]
        c["oldest"] = min(c["oldest"], r["oldest"])
    couriers = [
        CourierOutstanding(
            name, c["n"], c["amount"], tuple(c["bands"]), datetime.fromisoformat(c["oldest"])
        )
        for name, c in sorted(per.items(), key=lambda kv: -kv[1]["amount"])
    ]
    return Cod(
        couriers=couriers,
        delivered=await cod_rows.delivered_between(db, period.start, period.end),
        refusals=await returns.cod_refused(db, period),
    )


# ---------------------------------------------------------------- recording a remittance


@dataclass(frozen=True, slots=True)
class Remittance:
    id: int
    courier: str
    remitted_on: date
    amount: int
    orders: list[str]
    expected: int  # the orders' totals: what the courier collected

    @property
    def difference(self) -> int:
        """Amount handed over − collected (negative: the courier kept fees or owes)."""
        return self.amount - self.expected


async def record_remittance(
    store: Store,
    *,
    courier_text: str,
    remitted_on: date,
    amount: int,
    numbers: Sequence[str],
    actor: Actor,
    couriers: CourierBook,
) -> Remittance:
    """Record that `courier` handed over `amount` on `remitted_on` for the orders `numbers`.

    Every order must be a delivered COD order shipped with that courier and not remitted
    yet; otherwise nothing is recorded (InvalidInput names the first problem)."""
    wanted = list(dict.fromkeys(n.strip().lstrip("#").upper() for n in numbers if n.strip()))
    if not wanted:
        raise InvalidInput("cod_no_orders")
    if len(wanted) > MAX_ORDERS_PER_REMITTANCE:
        raise InvalidInput("cod_too_many", limit=MAX_ORDERS_PER_REMITTANCE)
    courier = couriers.find(courier_text).name  # orders hold the courier's name
    if amount < 0:
        raise InvalidInput("cod_amount_invalid")
    if remitted_on > store.now().date() + timedelta(days=1):  # UTC date: a day of slack
        raise InvalidInput("cod_date_future", day=remitted_on.isoformat())
    async with store.transaction() as db:
        rows = {r["number"]: r for r in await cod_rows.orders_to_remit(db, wanted)}
        for number in wanted:
            r = rows.get(number)
            if r is None:
                raise InvalidInput("cod_order_unknown", number=number)
            if r["payment_method"] != "cod" or r["status"] != "delivered":
                raise InvalidInput("cod_order_not_delivered_cod", number=number)
            if r["cod_remittance_id"] is not None:
                raise InvalidInput("cod_order_remitted", number=number)
            if r["courier"] != courier:
                raise InvalidInput("cod_order_other_courier", number=number, courier=r["courier"])
        remittance_id = await cod_rows.add_remittance(
            db,
            courier=courier,
            remitted_on=remitted_on.isoformat(),
            amount=amount,
            order_ids=[rows[n]["id"] for n in wanted],
            actor_id=actor.id,
            actor_name=actor.name,
            now=store.now(),
        )
    return Remittance(
        remittance_id,
        courier,
        remitted_on,
        amount,
        wanted,
        sum(rows[n]["total"] for n in wanted),
    )


@dataclass(frozen=True, slots=True)
class RemittanceRequest:
    courier: str
    amount: int
    day: date
    numbers: list[str]


def parse_remittance(words: Sequence[str], today: date) -> RemittanceRequest | None:
    """`/setor <courier> <amount> [YYYY-MM-DD] <order no> …` → the request; None when the
    shape is wrong (the caller shows the usage). The date defaults to today."""
    if len(words) < 3:
        return None
    courier, raw_amount, *rest = words
    try:
        amount = parse_rupiah(raw_amount)
    except InvalidInput:
        raise InvalidInput("cod_amount_invalid") from None
    day = today
    numbers = []
    for word in rest:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            try:
                day = date.fromisoformat(word)
            except ValueError:
                return None
        else:
            numbers.append(word)
    return RemittanceRequest(courier, amount, day, numbers)
