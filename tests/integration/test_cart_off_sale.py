"""A product taken off sale: no more of it goes into a cart, whatever the button or text."""

from __future__ import annotations

import pytest

from domain.catalog.catalog_import import import_catalog
from domain.errors import NotFound, OffSale
from domain.ordering.cart import add_to_cart, get_cart, set_quantity
from domain.store import Store
from messages import Messages
from tests.conftest import make_customer

SITI = 1001
WITHDRAW_TEH = (
    "sku,name,category,price,stock,active\nTEH-MELATI,Teh Melati,Kopi & Teh,18000,10,no\n"
)


async def lines(store: Store) -> list[tuple[str, int, bool]]:
    return sorted((x.sku, x.quantity, x.active) for x in (await get_cart(store, SITI)).lines)


async def test_an_off_sale_product_cannot_be_added(seeded_store: Store) -> None:
    await make_customer(seeded_store, SITI)
    await import_catalog(seeded_store, WITHDRAW_TEH)
    for quantity in (1, "2"):  # an old "add" button, or a typed quantity
        with pytest.raises(OffSale) as excinfo:
            await add_to_cart(seeded_store, SITI, "TEH-MELATI", quantity)
        assert excinfo.value.context == {"sku": "TEH-MELATI", "name": "Teh Melati"}
    assert await lines(seeded_store) == []
    with pytest.raises(NotFound):  # a SKU that never existed still reads as "not found"
        await add_to_cart(seeded_store, SITI, "NO-SUCH-SKU", 1)


async def test_a_line_of_an_off_sale_product_only_shrinks_or_goes(seeded_store: Store) -> None:
    await make_customer(seeded_store, SITI)
    await add_to_cart(seeded_store, SITI, "TEH-MELATI", 3)
    await add_to_cart(seeded_store, SITI, "KOPI-GAYO", 1)
    await import_catalog(seeded_store, WITHDRAW_TEH)
    assert await lines(seeded_store) == [("KOPI-GAYO", 1, True), ("TEH-MELATI", 3, False)]

    with pytest.raises(OffSale):
        await set_quantity(seeded_store, SITI, "TEH-MELATI", 4)  # the old "+" button
    with pytest.raises(OffSale):
        await add_to_cart(seeded_store, SITI, "TEH-MELATI", 1)
    assert await lines(seeded_store) == [("KOPI-GAYO", 1, True), ("TEH-MELATI", 3, False)]

    await set_quantity(seeded_store, SITI, "TEH-MELATI", 2)
    assert await lines(seeded_store) == [("KOPI-GAYO", 1, True), ("TEH-MELATI", 2, False)]
    await set_quantity(seeded_store, SITI, "TEH-MELATI", 0)
    assert await lines(seeded_store) == [("KOPI-GAYO", 1, True)]
    await set_quantity(seeded_store, SITI, "KOPI-GAYO", 2)  # products on sale are unaffected
    assert await lines(seeded_store) == [("KOPI-GAYO", 2, True)]


@pytest.mark.parametrize(("lang", "words"), [("id", "tidak dijual"), ("en", "no longer sold")])
def test_the_refusal_reads_well_in_both_languages(lang: str, words: str) -> None:
    error = OffSale(sku="TEH-MELATI", name="Teh <Melati>")
    text = Messages().error(lang, error.code, **error.context)
    assert words in text
    assert "<b>Teh &lt;Melati&gt;</b>" in text  # the name escaped, in bold
    assert text != Messages().error(lang, "generic")
