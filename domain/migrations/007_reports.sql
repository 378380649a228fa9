-- Reports (/laporan, /ekspor): cash-on-delivery remittances, and the indexes that keep a
-- month's report under a second at a million orders.

-- Money a courier handed over for delivered COD parcels: who, when (the shop's date), how
-- much. Each order is remitted at most once: it points at its remittance, and the partial
-- index below then holds only the COD money still out with the couriers.
CREATE TABLE cod_remittances (
    id INTEGER PRIMARY KEY,
    courier TEXT NOT NULL,
    remitted_on TEXT NOT NULL,  -- YYYY-MM-DD in the shop's zone
    amount INTEGER NOT NULL CHECK (amount >= 0),
    orders INTEGER NOT NULL CHECK (orders > 0),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL
);
ALTER TABLE orders ADD COLUMN cod_remittance_id INTEGER REFERENCES cod_remittances(id);
CREATE INDEX orders_cod_outstanding ON orders(courier, status_changed_at)
    WHERE payment_method = 'cod' AND status = 'delivered' AND cod_remittance_id IS NULL;

-- Sales by order date read only the index, not the rows (a year of orders for the tax
-- helper, a month for every section).
CREATE INDEX orders_sales ON orders(
    created_at, status, payment_method, payment_status, subtotal, shipping_fee, user_id
);
-- Reversals (cancelled, rejected) by the day they happened, read from the index alone.
CREATE INDEX orders_closed ON orders(status, status_changed_at, subtotal, shipping_fee)
    WHERE status IN ('cancelled', 'rejected');
-- Cycle times: status changes by target status and time.
CREATE INDEX order_events_status ON order_events(to_status, at, order_id) WHERE kind = 'status';
