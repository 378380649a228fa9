-- Scheduled follow-up: what the periodic job already did (so each scheduled message goes out
-- once, across restarts), customers' opt-outs, delivery checks, surveys, staff nudges, digests.
-- Due times are derived from the orders' own timestamps plus the settings; these tables only
-- record that a due thing was handled, in the same transaction as its outbox rows.

-- Customers may turn off reminders (payment, cart, delivery check) and surveys; status
-- messages are not affected.
ALTER TABLE customers ADD COLUMN reminders_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN surveys_enabled INTEGER NOT NULL DEFAULT 1;

-- One row per fired (or deliberately skipped) reminder. `ref` is an order id, or a user id
-- for carts; `version` tells one cart from the next (the cart's last change).
CREATE TABLE schedule_log (
    kind TEXT NOT NULL CHECK (kind IN ('pay_first','pay_last','cart')),
    ref INTEGER NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    done_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN
        ('sent','opted_out','unreachable','superseded','not_needed')),
    PRIMARY KEY (kind, ref, version)
) WITHOUT ROWID;

-- Throttles of periodic passes (the staff nudge), kept across restarts.
CREATE TABLE schedule_runs (
    name TEXT PRIMARY KEY,
    last_at TEXT NOT NULL
);

-- The last nudge about an order at a stage: not again until it moves or a day passes.
CREATE TABLE staff_nudges (
    order_id INTEGER PRIMARY KEY REFERENCES orders(id),
    stage TEXT NOT NULL,
    nudged_at TEXT NOT NULL
);

-- One daily digest per local day (YYYY-MM-DD in the shop's zone).
CREATE TABLE digests (
    day TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
);

-- "Has it arrived?" for a shipped order. `asked_at` is when the question went out (or would
-- have, for a customer who opted out); no answer for long enough → delivered by the system.
CREATE TABLE delivery_checks (
    order_id INTEGER PRIMARY KEY REFERENCES orders(id),
    user_id INTEGER NOT NULL,
    asked_at TEXT NOT NULL,
    asks INTEGER NOT NULL DEFAULT 1,
    sent INTEGER NOT NULL DEFAULT 1,
    answer TEXT CHECK (answer IN ('received','not_yet','problem','auto','closed')),
    answered_at TEXT
);
CREATE INDEX delivery_checks_open ON delivery_checks(asked_at) WHERE answer IS NULL;
CREATE INDEX delivery_checks_not_yet ON delivery_checks(answered_at) WHERE answer = 'not_yet';

-- One feedback survey per delivered order: 0–10 score, class, optional comment.
CREATE TABLE surveys (
    order_id INTEGER PRIMARY KEY REFERENCES orders(id),
    user_id INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('skipped','open','scored','closed')),
    sent_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    score INTEGER CHECK (score BETWEEN 0 AND 10),
    category TEXT CHECK (category IN ('promoter','passive','detractor')),
    comment TEXT,
    answered_at TEXT,
    commented_at TEXT
);
CREATE INDEX surveys_answered ON surveys(answered_at) WHERE score IS NOT NULL;
CREATE INDEX surveys_sent ON surveys(sent_at) WHERE state <> 'skipped';

-- The scans for due work read only the few orders in these states, not the whole table.
CREATE INDEX orders_awaiting_payment ON orders(created_at)
    WHERE status = 'placed' AND payment_method = 'transfer' AND payment_status = 'unpaid';
CREATE INDEX orders_created ON orders(created_at);
