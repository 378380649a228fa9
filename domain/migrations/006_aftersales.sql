-- After-sales: complaints (komplain / retur) with their lines, evidence and timeline, refunds
-- with the customer's bank details and the staff's proof, credit notes numbered gap-free per
-- month, follow-up shipments (replacement, missing part), the shop's costs of returns, COD
-- refusals per customer, and the stock movement kinds that returns need.

-- One complaint per order at a time (the partial unique index below): a customer's claim on
-- some of the delivered lines, or staff's return-to-sender record of a refused COD parcel.
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    user_id INTEGER NOT NULL REFERENCES customers(user_id),
    reason TEXT NOT NULL CHECK (reason IN ('not_received','incomplete','wrong_item','damaged',
        'not_as_described','change_of_mind','cod_refused')),
    solution_wanted TEXT NOT NULL CHECK (solution_wanted IN ('refund_only','return_refund',
        'replacement','missing_part','return_to_sender')),
    solution TEXT CHECK (solution IN ('refund_only','return_refund','replacement',
        'missing_part','return_to_sender')),  -- what staff approved
    status TEXT NOT NULL CHECK (status IN ('open','needs_evidence','approved',
        'return_in_transit','inspected','resolved','rejected')),
    description TEXT,                -- the customer's own words
    staff_reason TEXT,               -- the last rejection / evidence request told to the customer
    delivered_at TEXT,               -- when the order arrived (the window's start)
    window_ends_at TEXT,             -- the window the complaint was opened in
    return_courier TEXT,
    return_tracking TEXT,
    return_shipped_at TEXT,
    card_message_id INTEGER,         -- the complaint's one card in the staff group
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status_changed_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE UNIQUE INDEX complaints_one_open ON complaints(order_id)
    WHERE status NOT IN ('resolved','rejected');
CREATE INDEX complaints_status ON complaints(status, status_changed_at);

-- The order lines a complaint concerns. Inspection fills resellable/damaged; the CHECK and the
-- compare-and-set on what is left make a unit impossible to restock twice.
CREATE TABLE complaint_lines (
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    sku TEXT NOT NULL REFERENCES products(sku),
    name TEXT NOT NULL,
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    resellable INTEGER NOT NULL DEFAULT 0 CHECK (resellable >= 0),
    damaged INTEGER NOT NULL DEFAULT 0 CHECK (damaged >= 0),
    CHECK (resellable + damaged <= quantity),
    PRIMARY KEY (complaint_id, sku)
);

-- Photos and videos (unboxing) the customer sent, by Telegram file id.
CREATE TABLE complaint_evidence (
    id INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    file_id TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('photo','video')),
    added_by INTEGER,
    added_at TEXT NOT NULL,
    UNIQUE (complaint_id, file_unique_id)
);

-- The after-sales timeline of an order (complaint, refund, follow-up shipment, costs); each
-- kind has one audience (domain/aftersales/timeline.py).
CREATE TABLE aftersales_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    complaint_id INTEGER REFERENCES complaints(id),
    refund_id INTEGER REFERENCES refunds(id),
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT
);
CREATE INDEX aftersales_events_order ON aftersales_events(order_id, id);
CREATE INDEX aftersales_events_complaint ON aftersales_events(complaint_id, id);

-- Money the shop owes back: for a complaint, or for a paid order that was cancelled.
-- Bank details are a snapshot given for this refund only.
CREATE TABLE refunds (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    complaint_id INTEGER UNIQUE REFERENCES complaints(id),
    user_id INTEGER NOT NULL REFERENCES customers(user_id),
    amount_proposed INTEGER NOT NULL CHECK (amount_proposed >= 0),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    status TEXT NOT NULL CHECK (status IN ('awaiting_details','ready','paid','cancelled')),
    bank_name TEXT,
    account_number TEXT,
    account_holder TEXT,
    proof_file_id TEXT,
    paid_by_id INTEGER,
    paid_by_name TEXT,
    paid_at TEXT,
    credit_note_number TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status_changed_at TEXT NOT NULL
);
-- A cancelled paid order owes one refund (complaint refunds are one per complaint above).
CREATE UNIQUE INDEX refunds_cancelled_order ON refunds(order_id) WHERE complaint_id IS NULL;
CREATE INDEX refunds_status ON refunds(status, status_changed_at);

-- "Use the ones I gave last time": the customer's last bank details.
CREATE TABLE customer_bank_details (
    user_id INTEGER PRIMARY KEY REFERENCES customers(user_id),
    bank_name TEXT NOT NULL,
    account_number TEXT NOT NULL,
    account_holder TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Credit notes (nota kredit): gap-free per month in the shop's zone like invoices.
CREATE TABLE credit_note_counters (
    period TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL CHECK (last_seq > 0)
);
CREATE TABLE credit_notes (
    number TEXT PRIMARY KEY,
    refund_id INTEGER NOT NULL UNIQUE REFERENCES refunds(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    invoice_number TEXT,
    period TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    issued_at TEXT NOT NULL,
    issued_by_id INTEGER,
    issued_by_name TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (period, seq)
);

-- A parcel sent after the order's own: a replacement or the missing part. Its stock is
-- reserved when approved and leaves the shelf when shipped.
CREATE TABLE follow_up_shipments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    complaint_id INTEGER NOT NULL UNIQUE REFERENCES complaints(id),
    status TEXT NOT NULL CHECK (status IN ('reserved','shipped','delivered','cancelled')),
    courier TEXT,
    tracking_number TEXT,
    created_at TEXT NOT NULL,
    shipped_at TEXT,
    delivered_at TEXT
);
CREATE INDEX follow_up_tracking ON follow_up_shipments(tracking_number)
    WHERE tracking_number IS NOT NULL;

-- What returns cost the shop: both legs of a refused COD parcel, a return shipping it pays.
CREATE TABLE shop_costs (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    complaint_id INTEGER REFERENCES complaints(id),
    kind TEXT NOT NULL CHECK (kind IN ('outbound_shipping','return_shipping')),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (order_id, kind)
);

ALTER TABLE customers ADD COLUMN cod_refusals INTEGER NOT NULL DEFAULT 0;

-- Stock movements gain the after-sales kinds: a resellable return back on the shelf, a
-- damaged one written off (recorded, never back on the shelf: delta 0), a replacement sent.
-- SQLite cannot change a CHECK in place: the table is rebuilt (nothing references it).
CREATE TABLE stock_movements_new (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL REFERENCES products(sku),
    delta INTEGER NOT NULL,
    stock_after INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('restock','return','write_off','replacement')),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL,
    quantity INTEGER,          -- units concerned (a write-off moves none on hand)
    order_id INTEGER REFERENCES orders(id)
);
INSERT INTO stock_movements_new (id, sku, delta, stock_after, reason, actor_id, actor_name, at)
    SELECT id, sku, delta, stock_after, reason, actor_id, actor_name, at FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;
CREATE INDEX stock_movements_sku ON stock_movements(sku, id);
