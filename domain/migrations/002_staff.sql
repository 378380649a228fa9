-- Staff workflow: invoices with gap-free monthly numbers, stock movements and low-stock
-- alerts, open reply prompts in the staff group, and handled staff messages (idempotency).

-- One row per month ("2026-11"): the last invoice sequence handed out. Incremented in the
-- same transaction that writes the invoice, so a rolled-back issue leaves no gap.
CREATE TABLE invoice_counters (
    period TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL CHECK (last_seq > 0)
);

-- An issued invoice. `content` is the JSON snapshot the PDF is drawn from, frozen at issue,
-- so a re-send is the same document.
CREATE TABLE invoices (
    number TEXT PRIMARY KEY,
    order_id INTEGER NOT NULL UNIQUE REFERENCES orders(id),
    period TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    issued_at TEXT NOT NULL,
    issued_by_id INTEGER,
    issued_by_name TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (period, seq)
);

-- Who changed stock by hand, by how much, and what it came to.
CREATE TABLE stock_movements (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL REFERENCES products(sku),
    delta INTEGER NOT NULL,
    stock_after INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('restock')),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX stock_movements_sku ON stock_movements(sku, id);

-- A product whose available stock is at or below its threshold and was announced once;
-- the row goes away when it climbs back above, so the next drop alerts again.
CREATE TABLE stock_alerts (
    sku TEXT PRIMARY KEY REFERENCES products(sku),
    raised_at TEXT NOT NULL
);

-- A question the bot asked in the staff group (tracking number, reason, note); staff answer
-- by replying to that message.
CREATE TABLE staff_prompts (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    action TEXT NOT NULL CHECK (action IN ('verify','reject','cancel','note','ship')),
    courier TEXT,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    closed_at TEXT,  -- answered, or overtaken by another change
    PRIMARY KEY (chat_id, message_id)
);

-- Staff messages whose effect is not naturally idempotent (restock, note), recorded in the
-- effect's transaction: a redelivered or re-read update changes nothing twice.
CREATE TABLE handled_messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    handled_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

CREATE INDEX orders_phone ON orders(phone);
