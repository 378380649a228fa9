-- The catalog managed from the staff group (issue 14): previews of a sent file waiting for
-- Import, the catalog's version that makes them stale, a log of who changed which product
-- field, the questions the bot asks about a product, and stock movements with a reason.

-- Bumped by every change a person makes to the catalog (an import, an edit, a stock count or
-- restock); orders reserving and shipping stock do not move it. A preview remembers the
-- version it was made at, and Import refuses when it moved since.
CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

-- A file sent to the staff group and previewed: Import applies exactly the rows read from it
-- (`rows`, JSON, as the import module checked them; the file's sha256 kept with them), once.
-- `rows` is dropped when the preview is closed or expired.
CREATE TABLE catalog_previews (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,  -- the preview message, once sent
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    rows TEXT,
    catalog_version INTEGER NOT NULL,
    created_by INTEGER,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'imported', 'cancelled', 'expired', 'stale')),
    closed_by_name TEXT,
    closed_at TEXT
);
CREATE INDEX catalog_previews_open ON catalog_previews(created_at) WHERE rows IS NOT NULL;

-- Who changed which field of a product, when, from what to what (JSON values); "created"
-- for a new product. Stock has its own log, stock_movements. A log: no foreign key, so it
-- never stands in the way of the products it tells about.
CREATE TABLE product_changes (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL,
    field TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('chat', 'import')),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX product_changes_sku ON product_changes(sku, id);

-- A question the bot asked about a product (a new price, a photo, the next step of a new
-- product); staff answer by replying to that message. `draft` carries a new product's
-- answers so far (JSON), so a restart loses no step.
CREATE TABLE catalog_prompts (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    sku TEXT,
    field TEXT NOT NULL,
    draft TEXT NOT NULL DEFAULT '{}',
    created_by INTEGER,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    PRIMARY KEY (chat_id, message_id)
);

-- Stock movements gain the chat's reasons: a count set by hand, units added or removed with
-- a note (SQLite changes a CHECK only by rebuilding the table).
CREATE TABLE stock_movements_new (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL REFERENCES products(sku),
    delta INTEGER NOT NULL,
    stock_after INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN (
        'restock', 'return', 'write_off', 'replacement', 'set', 'add', 'remove'
    )),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL,
    quantity INTEGER,          -- units concerned (a write-off moves none on hand)
    order_id INTEGER REFERENCES orders(id),
    note TEXT
);
INSERT INTO stock_movements_new
    (id, sku, delta, stock_after, reason, actor_id, actor_name, at, quantity, order_id)
    SELECT id, sku, delta, stock_after, reason, actor_id, actor_name, at, quantity, order_id
    FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;
CREATE INDEX stock_movements_sku ON stock_movements(sku, id);
