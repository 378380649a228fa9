"""PTB persistence kept in the shop's SQLite store (no pickle file).

Conversation states and user/chat data are stored as JSON, so a checkout survives a restart,
and read again before each update (bot/inbox.py; `refresh_*` here), so several workers agree.
Bot data and callback data are not persisted: the bot keeps its dependencies in bot_data and
its callback data is plain strings.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from domain.store import Store
from domain.store import conversations as conversation_rows
from domain.store.conversations import Scope


class SQLitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, store: Store, update_interval: float = 30) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self.store = store
        # What this process last read or wrote per (scope, id). PTB hands back every id it
        # marked, changed here or not; writing an unchanged copy would undo what another
        # worker saved since, so only data changed here is written.
        self._seen: dict[tuple[Scope, int], dict[Any, Any]] = {}

    async def _rows(self, scope: Scope) -> dict[int, dict[Any, Any]]:
        await self.store.ensure_open()
        rows = await conversation_rows.data_of(self.store.reader, scope)
        for key, data in rows.items():
            self._seen[scope, key] = deepcopy(data)
        return rows

    async def _put(self, scope: Scope, key: int, data: dict[Any, Any] | None) -> None:
        if (data or {}) == self._seen.get((scope, key), {}):
            return
        await self.store.ensure_open()
        async with self.store.transaction() as db:
            if data:
                await conversation_rows.put_data(db, scope, key, data)
            else:  # empty data is no data: no row
                await conversation_rows.drop_data(db, scope, key)
        self._seen[scope, key] = deepcopy(data or {})

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return await self._rows("user")

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return await self._rows("chat")

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        await self.store.ensure_open()
        return await conversation_rows.states(self.store.reader, name)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        await self.store.ensure_open()
        async with self.store.transaction() as db:
            if new_state is None:
                await conversation_rows.drop_state(db, name, key)
            else:
                await conversation_rows.put_state(db, name, key, new_state, self.store.now())

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        await self._put("user", user_id, deepcopy(data))

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        await self._put("chat", chat_id, deepcopy(data))

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._put("chat", chat_id, None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._put("user", user_id, None)

    # PTB calls these before each update's handlers: the data as stored now, not the copy
    # loaded at start (another worker may have changed it since).
    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        await self._refresh("user", user_id, user_data)

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        await self._refresh("chat", chat_id, chat_data)

    async def _refresh(self, scope: Scope, key: int, data: dict[Any, Any]) -> None:
        await self.store.ensure_open()
        stored = await conversation_rows.data_for(self.store.reader, scope, key)
        self._seen[scope, key] = deepcopy(stored)
        if stored != data:
            data.clear()
            data.update(stored)

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
