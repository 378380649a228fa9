"""Finding orders from an index: order and tracking numbers by exact match (their b-tree
indexes), fragments of the customer's name and phone through the FTS5 trigram table
`order_search` (migration 004), which triggers on `orders` keep in step.

A fragment is looked up as a few of its trigrams, ANDed (which FTS5 answers from row lists
alone), and each candidate is then checked against the order's own column with LIKE. A whole
phrase query would be exact by itself but makes FTS5 compare positions of every trigram, which
took 10–30 ms for a long name or a phone number with few matches among a million orders.

On PostgreSQL (its migration 004) pg_trgm GIN indexes on `lower(customer_name)` and `phone`
answer `LIKE '%fragment%'` directly: the same lookups, each one LIKE on the order's column
(`pg_sql`), and no FTS expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.store.sqlite import Connection, dialect_of, fetchall

# Trigrams ANDed per lookup: a few spread over the fragment narrow the candidates to nearly
# the matches; each further one costs another list to walk.
MAX_TRIGRAMS = 4


@dataclass(frozen=True, slots=True)
class Lookup:
    """One index lookup: FTS5 `expression`, then `column LIKE pattern` on the order."""

    expression: str
    column: str  # an orders column, never from input
    pattern: str
    folded: str = ""  # PostgreSQL: the LIKE pattern on lower(column), for names

    @property
    def pg_sql(self) -> str:
        """PostgreSQL's: parameters pattern, limit (the trigram index serves the LIKE)."""
        column = f"lower(o.{self.column})" if self.folded else f"o.{self.column}"
        return (
            f"SELECT o.id FROM orders o WHERE {column} LIKE ? ESCAPE '\\'"
            " ORDER BY o.id DESC LIMIT ?"
        )

    @property
    def sql(self) -> str:
        """Its newest LIMIT matches; parameters: expression, pattern, limit."""
        return (
            "SELECT s.rowid AS id FROM order_search s JOIN orders o ON o.id = s.rowid"
            f" WHERE order_search MATCH ? AND o.{self.column} LIKE ? ESCAPE '\\'"
            " ORDER BY s.rowid DESC LIMIT ?"
        )


def _string(text: str) -> str:
    """An FTS5 string: inside double quotes every character is literal (`*`, `(`, `-`, `:`,
    AND/OR/NOT/NEAR), a quote is written twice. Staff input never becomes FTS syntax."""
    return '"' + text.replace('"', '""') + '"'


def _trigrams(text: str) -> str:
    """`column : (…)` operand: up to MAX_TRIGRAMS trigrams covering the (ASCII) text."""
    folded = text.lower()  # FTS5 folds case itself; this only drops repeats
    starts = list(range(0, len(folded) - 2, 3))
    if starts[-1] != len(folded) - 3:
        starts.append(len(folded) - 3)
    grams = list(dict.fromkeys(folded[i : i + 3] for i in starts))
    if len(grams) > MAX_TRIGRAMS:  # the first, the last and evenly between
        step = (len(grams) - 1) / (MAX_TRIGRAMS - 1)
        grams = [grams[round(k * step)] for k in range(MAX_TRIGRAMS)]
    return "(" + " AND ".join(_string(g) for g in grams) + ")"


def _like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def _phone_lookups(text: str) -> list[Lookup]:
    """Stored phones are indexed by their digits after +62 (`81234567890`). Nothing when the
    text is not mostly a phone number (or has fewer than 5 digits).

    `0812-3456` and `+62 812 3456` are the start of a number (`+628123456…`); `0…` and `62…`
    are also looked for as typed, in case they are a middle part; other digits anywhere."""
    if not re.fullmatch(r"[\d\s()+.-]+", text):
        return []
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return []
    found = []
    national = digits[1:] if digits.startswith("0") else digits[2:]
    if digits.startswith(("0", "62")):
        found.append(Lookup(f"phone : {_trigrams(national)}", "phone", f"+62{national}%"))
    if not text.lstrip().startswith("+"):
        found.append(Lookup(f"phone : {_trigrams(digits)}", "phone", f"%{digits}%"))
    return found


def lookups(text: str) -> list[Lookup]:
    """The index lookups for a query: its digits in the phone number when it reads as one,
    else its text in the name (case-insensitive)."""
    phone = _phone_lookups(text)
    if phone:  # a phone number, not part of a name: looking for its digits in the names
        return phone  # would only make FTS5 walk the phones' trigram lists to drop them
    folded = f"%{_like(text.lower())}%"
    if text.isascii():
        name = Lookup(f"name : {_trigrams(text)}", "customer_name", f"%{_like(text)}%", folded)
    else:  # LIKE folds ASCII case only: the phrase alone decides, as FTS5 folds all case
        name = Lookup(f"name : {_string(text)}", "customer_name", "%", folded)
    return [name, *phone]


async def find_ids(
    db: Connection, text: str, number: str, tracking: str, limit: int
) -> list[int]:
    """At most `limit` order ids: the order with this `number` or `tracking` number first,
    then the newest whose customer name or phone contains `text`."""
    # One statement (one trip to the database thread): the exact numbers, then each lookup's
    # newest `limit` through the index; the newest of them all are shown after the exact ones.
    parts = [
        "SELECT 1 AS exact, id FROM orders WHERE number = ?",
        "SELECT 1, id FROM orders WHERE tracking_number = ?",
    ]
    params: list[object] = [number, tracking]
    postgres = dialect_of(db) == "postgresql"
    for i, lookup in enumerate(lookups(text)):
        if postgres:
            parts.append(f"SELECT 0, id FROM ({lookup.pg_sql}) AS found{i}")
            params += [lookup.folded or lookup.pattern, limit]
        else:
            parts.append(f"SELECT 0, id FROM ({lookup.sql}) AS found{i}")
            params += [lookup.expression, lookup.pattern, limit]
    rows = await fetchall(
        db, " UNION ".join(parts) + " ORDER BY exact DESC, id DESC LIMIT ?", (*params, 2 * limit)
    )
    return list(dict.fromkeys(r["id"] for r in rows))[:limit]
