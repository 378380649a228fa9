-- The staff group as it really changes: Telegram upgrades a group to a supergroup (its chat id
-- becomes -100…) and the old id refuses every message. Each move is kept, so the bot follows
-- STAFF_CHAT_ID (the starting point) through every upgrade, also after a restart, and a shop
-- that updates .env to the new id lands on the same group.
CREATE TABLE staff_chat_moves (
    from_chat_id INTEGER PRIMARY KEY,
    to_chat_id INTEGER NOT NULL CHECK (to_chat_id <> from_chat_id),
    moved_at TEXT NOT NULL
);
