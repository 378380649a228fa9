"""Button data: every kind builds and parses its own data, strictly, within 64 bytes."""

from __future__ import annotations

import random
from typing import Annotated

import pytest

from bot.settings import Settings
from domain.fulfilment.couriers import DEFAULT_COURIERS, Courier
from domain.models import ShippingOption
from domain.validation import MAX_QUANTITY
from handlers import callbacks as cb
from handlers.callbacks import refunds

NO = "K7Q3MX"
SKU = "KOPI-GAYO-250"

# One instance of every kind, with the data it is written as (the formats buttons already
# on customers' screens carry: they must keep working).
SAMPLES: dict[type[cb.Callback], tuple[cb.Callback, str]] = {
    cb.MenuHome: (cb.MenuHome(), "m:home"),
    cb.MenuCategories: (cb.MenuCategories(), "m:cats"),
    cb.CategoryPage: (cb.CategoryPage(key="0a1b2c3d", page=2), "c:0a1b2c3d:2"),
    cb.ProductView: (cb.ProductView(sku=SKU), f"p:{SKU}"),
    cb.AddToCart: (cb.AddToCart(sku=SKU, quantity=3), f"a:{SKU}:3"),
    cb.AskQuantity: (cb.AskQuantity(sku=SKU), f"q:{SKU}"),
    cb.CartView: (cb.CartView(), "k:view"),
    cb.CartSet: (cb.CartSet(sku=SKU, quantity=0), f"k:set:{SKU}:0"),
    cb.CartClear: (cb.CartClear(), "k:clear"),
    cb.CartCheckout: (cb.CartCheckout(), "k:go"),
    cb.CheckoutStep: (cb.CheckoutStep(step="ok"), "co:ok"),
    cb.CheckoutShipping: (cb.CheckoutShipping(code="reg"), "co:ship:reg"),
    cb.CheckoutPayment: (cb.CheckoutPayment(method="cod"), "co:pay:cod"),
    cb.OrderList: (cb.OrderList(page=0), "o:list:0"),
    cb.OrderView: (cb.OrderView(number=NO), f"o:view:{NO}"),
    cb.OrderCancel: (cb.OrderCancel(number=NO), f"o:cancel:{NO}"),
    cb.OrderCancelConfirm: (cb.OrderCancelConfirm(number=NO), f"o:cancelyes:{NO}"),
    cb.LanguageChoice: (cb.LanguageChoice(language="en"), "lang:en"),
    cb.Received: (cb.Received(number=NO), f"rcv:{NO}"),
    cb.StaffPress: (cb.StaffPress(action="verify", number=NO), f"st:v:{NO}"),
    cb.StaffCourier: (cb.StaffCourier(number=NO, courier="jnt"), f"st:c:{NO}:jnt"),
    cb.StaffQueuePage: (cb.StaffQueuePage(stage="open", page=1), "sq:open:1"),
    cb.StaffCatalogImport: (cb.StaffCatalogImport(action="import", preview=42), "ci:i:42"),
    cb.StaffProductEdit: (cb.StaffProductEdit(field="stock_add", sku=SKU), f"pe:sa:{SKU}"),
    cb.StaffReportPeriod: (cb.StaffReportPeriod(period="lastmonth"), "rp:lastmonth"),
    # after-sales refunds (issue 9, part C)
    refunds.RefundDetails: (refunds.RefundDetails(refund_id=12), "rf:d:12"),
    refunds.RefundReuse: (refunds.RefundReuse(refund_id=12), "rf:u:12"),
    refunds.RefundBank: (refunds.RefundBank(bank="CIMB Niaga"), "rf:b:cimbniaga"),
    refunds.RefundQuit: (refunds.RefundQuit(refund_id=12), "rf:x:12"),
    refunds.RefundStaffPress: (refunds.RefundStaffPress(action="paid", refund_id=12), "rs:p:12"),
    cb.SurveyScore: (cb.SurveyScore(number=NO, score=10), f"sv:{NO}:10"),
    cb.SurveySkip: (cb.SurveySkip(number=NO), f"sv:skip:{NO}"),
    cb.DeliveryAnswer: (cb.DeliveryAnswer(answer="not_yet", number=NO), f"dc:wait:{NO}"),
    cb.PreferenceSet: (cb.PreferenceSet(topic="reminders", on=False), "pref:rem:0"),
    cb.PreferenceOff: (cb.PreferenceOff(topic="surveys"), "pref:off:srv"),
    # issue 9, part A: the customer's complaint
    cb.ComplaintStart: (cb.ComplaintStart(number=NO), f"cp:new:{NO}"),
    cb.ComplaintStep: (cb.ComplaintStep(step="send"), "cp:send"),
    cb.ComplaintReasonPick: (cb.ComplaintReasonPick(reason="damaged"), "cp:r:dm"),
    cb.ComplaintLineSet: (cb.ComplaintLineSet(index=19, quantity=99), "cp:l:19:99"),
    cb.ComplaintSolutionPick: (cb.ComplaintSolutionPick(solution="return_refund"), "cp:s:rr"),
    cb.ComplaintMoreEvidence: (cb.ComplaintMoreEvidence(complaint_id=42), "cp:ev:42"),
    cb.ComplaintReturnShipment: (cb.ComplaintReturnShipment(complaint_id=42), "cp:rt:42"),
    cb.ComplaintCourier: (cb.ComplaintCourier(courier="jnt"), "cp:c:jnt"),
    # after-sales, staff side (part B)
    cb.ComplaintPress: (cb.ComplaintPress(action="approve", complaint=12), "cs:a:12"),
    cb.ComplaintSolution: (
        cb.ComplaintSolution(complaint=12, solution="return_refund"), "cs:ok:12:rr"
    ),
    cb.StaffComplaintCourier: (
        cb.StaffComplaintCourier(complaint=12, purpose="follow_up", courier="jne"), "cs:c:12:f:jne"
    ),
    cb.ComplaintLine: (cb.ComplaintLine(complaint=12, line=0, split=False), "cs:l:12:0:0"),
    cb.ComplaintInspect: (
        cb.ComplaintInspect(complaint=12, line=1, resellable=1, damaged=0, left=3),
        "cs:in:12:1:1:0:3",
    ),
    cb.OrderRts: (cb.OrderRts(number="K7Q3MX", confirmed=True), "cs:rts:K7Q3MX:1"),
}
KINDS = list(SAMPLES)


def test_every_kind_has_a_sample() -> None:
    assert set(cb.ALL) == set(SAMPLES)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_round_trip(kind: type[cb.Callback]) -> None:
    value, data = SAMPLES[kind]
    assert value.pack() == data
    assert kind.unpack(data) == value
    assert cb.unpack(data, *cb.ALL) == value  # and no other kind reads the same data
    assert [k for k in cb.ALL if _parses(k, data)] == [kind]


def _parses(kind: type[cb.Callback], data: str) -> bool:
    try:
        kind.unpack(data)
    except cb.BadCallback:
        return False
    return True


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_extra_missing_and_foreign_parts(kind: type[cb.Callback]) -> None:
    _, data = SAMPLES[kind]
    parts = data.split(":")
    bad = [data + ":1", data + ":", ":".join(parts[:-1]), "x" + data, data.upper() + "X", ""]
    for text in bad:
        with pytest.raises(cb.BadCallback):
            kind.unpack(text)


# Each whole-number field, with the data around it.
NUMBERS = [
    (cb.OrderList, "o:list:{}", 0, cb.MAX_PAGE),
    (cb.CategoryPage, "c:0a1b2c3d:{}", 0, cb.MAX_PAGE),
    (cb.StaffQueuePage, "sq:shipped:{}", 0, cb.MAX_PAGE),
    (cb.AddToCart, f"a:{SKU}:{{}}", 1, MAX_QUANTITY),
    (cb.CartSet, f"k:set:{SKU}:{{}}", 0, MAX_QUANTITY),
    (cb.SurveyScore, f"sv:{NO}:{{}}", 0, 10),
]


@pytest.mark.parametrize(("kind", "shape", "low", "high"), NUMBERS, ids=lambda x: str(x))
def test_numbers_are_ascii_digits_within_bounds(
    kind: type[cb.Callback], shape: str, low: int, high: int
) -> None:
    assert kind.unpack(shape.format(low)).pack() == shape.format(low)
    assert kind.unpack(shape.format(high)).pack() == shape.format(high)
    bad = [
        str(high + 1),
        str(low - 1),
        "99999999999999999999",  # the forged page that reached SQLite
        "²",  # isdigit() says yes
        "٣",  # Arabic-Indic three: int() says 3
        "３",  # fullwidth three
        "1²",
        "01",  # one spelling per number
        "+1",
        " 1",
        "1 ",
        "1_0",
        "0x1",
        "1.0",
        "",
    ]
    for text in bad:
        with pytest.raises(cb.BadCallback):
            kind.unpack(shape.format(text))


def test_order_numbers_follow_the_alphabet() -> None:
    for number in ("k7q3mx", "K7Q3M", "K7Q3MXX", "K7Q3M0", "K7Q3MO", "K7Q3M1", "K7Q3MI", "#K7Q3M"):
        with pytest.raises(cb.BadCallback):
            cb.OrderView.unpack(f"o:view:{number}")
        with pytest.raises(ValueError):
            cb.OrderView(number=number)


def test_skus_follow_the_catalog_rule() -> None:
    assert cb.ProductView.unpack("p:" + "A" * 32).sku == "A" * 32
    for sku in ("A" * 33, "-AB", "A B", "A/B", "KOPI\n", "é"):
        with pytest.raises(cb.BadCallback):
            cb.ProductView.unpack(f"p:{sku}")


def test_codes_come_from_a_fixed_set() -> None:
    for data in ("co:go", "co:pay:cash", "lang:fr", "st:z:K7Q3MX", "st:c:K7Q3MX",
                 "sq:lost:0", "dc:maybe:K7Q3MX", "pref:rem:2", "pref:off:all", "m:away"):
        with pytest.raises(cb.BadCallback):
            cb.unpack(data, *cb.ALL)


def test_codes_agree_with_the_models_they_name() -> None:
    courier_rule = Courier.model_json_schema()["properties"]["code"]["pattern"]
    shipping_rule = ShippingOption.model_json_schema()["properties"]["code"]["pattern"]
    assert courier_rule == "^[a-z0-9_]{1,12}$"
    assert shipping_rule == "^[a-z0-9_]{1,20}$"
    for courier in DEFAULT_COURIERS:
        assert cb.StaffCourier.unpack(f"st:c:{NO}:{courier.code}").courier == courier.code
    settings = Settings(_env_file=None, bot_token="1:x", staff_chat_id=-1)  # type: ignore[call-arg]
    for option in settings.shipping_options:
        assert cb.CheckoutShipping(code=option.code).pack() == f"co:ship:{option.code}"


def test_building_refuses_what_parsing_would() -> None:
    with pytest.raises(ValueError):
        cb.AddToCart(sku=SKU, quantity=MAX_QUANTITY + 1)
    with pytest.raises(ValueError):
        cb.AddToCart(sku=SKU, quantity=True)  # a bool is not a quantity
    with pytest.raises(ValueError):
        cb.OrderList(page=-1)
    with pytest.raises(ValueError):
        cb.StaffPress(action="launch", number=NO)
    with pytest.raises(ValueError):
        cb.PreferenceSet(topic="reminders", on=1)  # type: ignore[arg-type]


def test_the_longest_real_data_fits_in_64_bytes() -> None:
    longest = [
        cb.AddToCart(sku="A" * 32, quantity=MAX_QUANTITY),
        cb.CartSet(sku="A" * 32, quantity=MAX_QUANTITY),
        cb.StaffCourier(number=NO, courier="a" * 12),
        cb.CheckoutShipping(code="a" * 20),
        cb.StaffQueuePage(stage="delivered", page=cb.MAX_PAGE),
        cb.CategoryPage(key="f" * 8, page=cb.MAX_PAGE),
        cb.StaffProductEdit(field="stock_remove", sku="A" * 32),
        cb.StaffCatalogImport(action="cancel", preview=999_999_999),
        refunds.RefundStaffPress(action="cancel", refund_id=999_999_999),
    ]
    assert all(len(x.pack().encode()) <= cb.MAX_BYTES for x in longest)


def test_over_64_bytes_is_refused_when_built() -> None:
    class Wide(cb.Callback, prefix="zz"):
        a: Annotated[str, cb.Text("[a-z]{1,40}")]
        b: Annotated[str, cb.Text("[a-z]{1,40}")]

    assert Wide(a="a" * 30, b="b" * 30).pack() == "zz:" + "a" * 30 + ":" + "b" * 30  # 64
    with pytest.raises(ValueError, match="64 bytes"):
        Wide(a="a" * 30, b="b" * 31)
    with pytest.raises(cb.BadCallback):  # nor is it read
        Wide.unpack("zz:" + "a" * 30 + ":" + "b" * 31)


def test_a_kind_must_type_every_field() -> None:
    with pytest.raises(TypeError):

        class Loose(cb.Callback, prefix="zz"):
            a: str


def test_none_empty_and_odd_unicode_are_bad_data() -> None:
    for data in (None, "", ":", "::", "\ud800", "o:view:\ud800", "o:list:\x00", "é" * 32):
        with pytest.raises(cb.BadCallback):
            cb.unpack(data, *cb.ALL)


def test_random_junk_never_raises_anything_but_bad_callback() -> None:
    rng = random.Random(20261201)
    alphabet = "::::0123456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ-_²٣３é\x00 #\n"
    valid = [data for _, data in SAMPLES.values()]
    parsed = 0
    for i in range(5_000):
        if i % 2:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 70)))
        else:  # a real data string with a few characters changed, added or dropped
            chars = list(rng.choice(valid))
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(chars) + 1)
                op = rng.randrange(3)
                if op == 0 and at < len(chars):
                    chars[at] = rng.choice(alphabet)
                elif op == 1:
                    chars.insert(at, rng.choice(alphabet))
                elif chars and at < len(chars):
                    del chars[at]
            text = "".join(chars)
        try:
            value = cb.unpack(text, *cb.ALL)
        except cb.BadCallback:
            continue
        parsed += 1
        assert value.pack() == text  # whatever is accepted is exactly what we would build
    assert parsed > 0  # the mutations do sometimes land on other valid data
