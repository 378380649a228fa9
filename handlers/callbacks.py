"""Callback data: short strings `prefix:arg:arg`, always ≤ 64 bytes.

Callback data comes from the client and can be forged, so parsing only splits; every handler
re-checks on the server that the thing named exists and belongs to the presser.
"""

from __future__ import annotations

import hashlib

MAX_BYTES = 64


def make(*parts: object) -> str:
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parts(data: str | None) -> list[str]:
    return (data or "").split(":")


def category_key(category: str) -> str:
    """A short stable key for a category name (names may be long or non-ASCII)."""
    return hashlib.sha1(category.encode()).hexdigest()[:8]


# Prefixes, one place so patterns and builders agree.
MENU = "m"  # m:home | m:cats
CATEGORY = "c"  # c:<key>:<page>
PRODUCT = "p"  # p:<sku>
ADD = "a"  # a:<sku>:<qty>
ASK_QTY = "q"  # q:<sku>
CART = "k"  # k:view | k:set:<sku>:<qty> | k:clear | k:go
CHECKOUT = "co"  # co:ship:<code> | co:pay:<method> | co:back | co:skip | co:use | co:ok | co:x
ORDERS = "o"  # o:list:<page> | o:view:<no> | o:cancel:<no> | o:cancelyes:<no>
LANGUAGE = "lang"  # lang:<id|en>
# Staff group: st:<code>:<order no>[:<courier code>], codes below; sq:<open|status>:<page>.
STAFF = "st"
STAFF_QUEUE = "sq"
RECEIVED = "rcv"  # rcv:<order no> — the customer confirms arrival
STAFF_CODES = {
    "verify": "v",
    "reject": "r",
    "pack": "p",
    "ship": "s",
    "invoice": "i",
    "deliver": "d",
    "cancel": "x",
    "note": "n",
    "courier": "c",  # st:c:<no>:<courier code>
    "back": "b",  # the card's own buttons again (leaves the courier choice)
    "open": "o",  # post the order's card and history
}
NOOP = "noop"
# Scheduled follow-up (customers): sv:<no>:<0-10> | sv:skip:<no>; dc:<ok|wait|bad>:<no>;
# pref:<rem|srv>:<0|1> (settings) | pref:off:<rem|srv> (from a reminder).
SURVEY = "sv"
DELIVERY_CHECK = "dc"
PREFERENCES = "pref"


def pattern(prefix: str) -> str:
    return rf"^{prefix}(:|$)"
