-- Catalog, customers, carts, orders with their events, the outbox, and PTB persistence.
-- Money is integer rupiah; times are UTC ISO-8601 text of fixed width.

CREATE TABLE products (
    sku TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price INTEGER NOT NULL CHECK (price >= 0),
    stock INTEGER NOT NULL CHECK (stock >= 0),
    -- units promised to placed orders and not yet shipped; never more than on hand
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= stock),
    description TEXT NOT NULL DEFAULT '',
    photo TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    low_stock_threshold INTEGER NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
    updated_at TEXT NOT NULL
);
CREATE INDEX products_category ON products(category, name) WHERE active = 1;

CREATE TABLE customers (
    user_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    username TEXT,
    language TEXT NOT NULL DEFAULT 'id',
    name TEXT,
    phone TEXT,
    address TEXT,
    reachable INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE cart_items (
    user_id INTEGER NOT NULL REFERENCES customers(user_id),
    sku TEXT NOT NULL REFERENCES products(sku),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    added_at TEXT NOT NULL,
    PRIMARY KEY (user_id, sku)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES customers(user_id),
    status TEXT NOT NULL CHECK (status IN
        ('placed','verified','packed','shipped','delivered','cancelled','rejected')),
    payment_status TEXT NOT NULL CHECK (payment_status IN
        ('unpaid','proof_submitted','paid','refunded')),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('transfer','cod')),
    customer_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    shipping_code TEXT NOT NULL,
    shipping_name TEXT NOT NULL,
    shipping_fee INTEGER NOT NULL CHECK (shipping_fee >= 0),
    note TEXT,
    subtotal INTEGER NOT NULL CHECK (subtotal >= 0),
    total INTEGER NOT NULL CHECK (total >= 0),
    payment_proof_file_id TEXT,
    courier TEXT,
    tracking_number TEXT,
    invoice_number TEXT UNIQUE,
    staff_message_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status_changed_at TEXT NOT NULL
);
CREATE INDEX orders_user ON orders(user_id, id DESC);
CREATE INDEX orders_status ON orders(status, status_changed_at);
CREATE INDEX orders_tracking ON orders(tracking_number) WHERE tracking_number IS NOT NULL;

CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    sku TEXT NOT NULL REFERENCES products(sku),
    name TEXT NOT NULL,
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);

CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('status','payment','note')),
    from_status TEXT,
    to_status TEXT,
    note TEXT
);
CREATE INDEX order_events_order ON order_events(order_id, id);

-- Messages to send, written in the same transaction as the change that causes them.
-- audience 'staff' goes to the configured staff group (resolved at send time); 'customer'
-- goes to chat_id, the customer's private chat.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    audience TEXT NOT NULL CHECK (audience IN ('customer','staff')),
    chat_id INTEGER,
    kind TEXT NOT NULL,
    order_id INTEGER REFERENCES orders(id),
    payload TEXT NOT NULL DEFAULT '{}',
    dedupe_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    not_before TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending','sent','failed','unreachable')),
    sent_at TEXT,
    message_id INTEGER,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox(not_before, id) WHERE state = 'pending';

-- python-telegram-bot persistence (conversation states, user/chat/bot data), JSON values.
CREATE TABLE ptb_conversations (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE ptb_data (
    scope TEXT NOT NULL CHECK (scope IN ('user','chat','bot','callback')),
    id INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (scope, id)
);
