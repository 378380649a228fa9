"""How /find turns what staff type into index lookups (no store needed)."""

from __future__ import annotations

import pytest

from domain.fulfilment import search


def test_a_name_is_a_few_trigrams_and_a_like_check() -> None:
    [name] = search.lookups("Budi Santoso")
    assert name.column == "customer_name"
    assert name.pattern == "%Budi Santoso%"
    # Covering the text end to end, at most MAX_TRIGRAMS of them.
    assert name.expression == 'name : ("bud" AND "i s" AND "ant" AND "oso")'
    long = search.lookups("Ni Made Ayu Kusumawati Pangaribuan")[0].expression
    assert long.count(" AND ") == search.MAX_TRIGRAMS - 1


def test_short_fragments_use_every_covering_trigram() -> None:
    assert search.lookups("ant")[0].expression == 'name : ("ant")'
    assert search.lookups("sant")[0].expression == 'name : ("san" AND "ant")'
    assert search.lookups("aaaaaa")[0].expression == 'name : ("aaa")'  # repeats dropped


def test_odd_characters_stay_literal() -> None:
    [name] = search.lookups('a"b*(c) OR %_\\')
    assert name.expression.startswith('name : ("a""b" AND ')
    assert name.pattern == '%a"b*(c) OR \\%\\_\\\\%'


def test_names_beyond_ascii_are_one_phrase() -> None:
    [name] = search.lookups("Öztürk")
    assert (name.expression, name.pattern) == ('name : "Öztürk"', "%")


@pytest.mark.parametrize(
    ("query", "patterns"),
    [
        ("0812-3456", ["+628123456%", "%08123456%"]),  # the start, or a middle part as typed
        ("+62 812 3456", ["+628123456%"]),  # surely the start
        ("62812 3456", ["+628123456%", "%628123456%"]),
        ("3456 7890", ["%34567890%"]),  # anywhere
        ("(0812) 345", ["+62812345%", "%0812345%"]),
    ],
)
def test_phone_forms(query: str, patterns: list[str]) -> None:
    found = search.lookups(query)
    assert [lk.pattern for lk in found] == patterns
    assert all(lk.column == "phone" and lk.expression.startswith("phone : (") for lk in found)


def test_the_start_of_a_phone_is_looked_up_without_62() -> None:
    # Stored phones are indexed without +62 (no trigram in every row): `8123456`.
    start = search.lookups("0812-3456")[0]
    assert start.expression == 'phone : ("812" AND "345" AND "456")'


@pytest.mark.parametrize("query", ["0812", "budi 0812-3456", "08x12345", "100%"])
def test_not_phone_numbers_are_names(query: str) -> None:
    assert [lk.column for lk in search.lookups(query)] == ["customer_name"]
