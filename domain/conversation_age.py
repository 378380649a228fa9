"""A conversation left at one step longer than the shop's timeout is over: the customer's next
text days later is not taken as the answer to an old question (a name for a checkout they
gave up on, a bank account number for a refund form they left). It ends when they next write
(they are told which one ended) or, for those who never come back within TOLD_WITHIN, when the
store is pruned. Of two open at once, a typed message answers the one whose question came last
(when each last moved is kept with its state)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.store import Store
from domain.store import conversations as rows
from domain.store.conversations import ConversationKey

Key = tuple[str, ConversationKey]  # (conversation name, PTB's key)
# An ended conversation is kept this long past its timeout, so a customer who comes back
# within it is still told; then it is deleted without a word (its row is all that is left).
TOLD_WITHIN = timedelta(days=30)
LONG_AGO = datetime.min.replace(tzinfo=UTC)  # a state stored before its time was kept


async def open_states(
    store: Store, keys: list[ConversationKey], max_left: timedelta
) -> tuple[dict[Key, rows.Stored], list[str]]:
    """The conversations open under `keys` (their states, and when each last moved), and the
    names of those that were left too long, which end here (each is reported once: the next
    look finds it gone)."""
    found = await rows.states_for(store.reader, keys)
    cutoff = store.now() - max_left
    stale = [k for k, s in found.items() if s.updated_at is not None and s.updated_at < cutoff]
    ended: list[Key] = []
    if stale:
        async with store.transaction() as db:
            for name, key in stale:
                if await rows.end_if_older(db, name, key, cutoff):
                    ended.append((name, key))
    return {k: s for k, s in found.items() if k not in ended}, [n for n, _ in ended]


async def prune(store: Store, max_left: timedelta) -> int:
    """Delete the conversations left longer than `max_left` and TOLD_WITHIN after that (their
    customers did not come back); how many."""
    async with store.transaction() as db:
        return await rows.prune(db, store.now() - max_left - TOLD_WITHIN)


def answered_by(open_: dict[Key, rows.Stored]) -> Key | None:
    """Of the conversations open in one chat, the one a typed message answers: the one whose
    question was asked last (a customer mid-checkout who then opens the refund's bank-details
    form types the account number for that form, not as the recipient's name). At the same
    moment, the first in `open_`'s order."""
    ranked = latest_first(open_)
    return ranked[0] if ranked else None


def latest_first(open_: dict[Key, rows.Stored]) -> list[Key]:
    """The conversations by when their question was asked, the last first; at the same moment
    in `open_`'s order."""
    order = {k: i for i, k in enumerate(open_)}
    return sorted(open_, key=lambda k: (open_[k].updated_at or LONG_AGO, -order[k]), reverse=True)
