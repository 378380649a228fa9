-- Several workers on one database (issue 11). The outbox is claimed before it is sent: a
-- worker marks the rows it will send with its name and a lease; another worker skips them
-- until the lease runs out (a worker that died), and the outcome clears the claim.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claim_until TEXT;
CREATE INDEX outbox_claimed ON outbox(audience, chat_id) WHERE claimed_by IS NOT NULL;

-- Telegram's rate limits are per bot, not per process: the workers share one budget
-- (domain/store/rate_budget.py, PostgreSQL only; one SQLite process keeps it in memory).
-- One row per counted request, kept while it is inside any window: `ends_at` is the answer's
-- time, or while in flight (answered = 0) how long a place held by a dead worker counts.
-- Times are seconds on the database server's clock, one clock for every worker.
CREATE TABLE rate_sends (
    id INTEGER PRIMARY KEY,
    chat TEXT NOT NULL,  -- the chat's key; '' for a request counted overall only
    ends_at REAL NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rate_sends_ends ON rate_sends(ends_at);
CREATE INDEX rate_sends_chat ON rate_sends(chat, ends_at);
-- A 429's retry_after, for every worker: a chat's pause, and '*' for everyone's short one.
CREATE TABLE rate_pauses (
    chat TEXT PRIMARY KEY,
    until REAL NOT NULL
);
