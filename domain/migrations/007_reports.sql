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
CREATE INDEX orders_cod_outstanding ON orders(courier, status_changed_at, total)
    WHERE payment_method = 'cod' AND status = 'delivered' AND cod_remittance_id IS NULL;

-- Sales by order date read only the index, not the rows (a year of orders for the tax
-- helper, a month for every section).
CREATE INDEX orders_sales ON orders(
    created_at, status, payment_method, payment_status, subtotal, shipping_fee, user_id
);
-- Orders by status and the day they reached it, from the index alone: reversals of sales
-- (cancelled, rejected), COD delivered.
CREATE INDEX orders_ended ON orders(
    status, status_changed_at, payment_method, subtotal, shipping_fee
);
-- Cycle times, written once when a status changes (a trigger, so every writer keeps them):
-- `waited` = seconds since the order's previous status change (placed → verified → packed →
-- shipped → delivered is a line, so that is the step's own time); on a 'shipped' change
-- `waited_dispatch` = seconds since verification (the shipment SLA's clock); on a 'verified'
-- change `waited_receipt` = seconds since the first transfer receipt. A month's medians are
-- then one index range per step, not a look-up per order.
ALTER TABLE order_events ADD COLUMN waited REAL;
ALTER TABLE order_events ADD COLUMN waited_dispatch REAL;
ALTER TABLE order_events ADD COLUMN waited_receipt REAL;

CREATE TRIGGER order_events_waited AFTER INSERT ON order_events WHEN new.kind = 'status'
BEGIN
    UPDATE order_events SET
        waited = (julianday(new.at) - julianday((
            SELECT p.at FROM order_events p
            WHERE p.order_id = new.order_id AND p.kind = 'status' AND p.id < new.id
            ORDER BY p.id DESC LIMIT 1
        ))) * 86400.0,
        waited_dispatch = CASE WHEN new.to_status = 'shipped' THEN (julianday(new.at) - julianday((
            SELECT p.at FROM order_events p
            WHERE p.order_id = new.order_id AND p.kind = 'status' AND p.to_status = 'verified'
            ORDER BY p.id DESC LIMIT 1
        ))) * 86400.0 END,
        waited_receipt = CASE WHEN new.to_status = 'verified' THEN (julianday(new.at) - julianday((
            SELECT MIN(p.at) FROM order_events p
            WHERE p.order_id = new.order_id AND p.kind = 'payment'
            AND p.to_status = 'proof_submitted'
        ))) * 86400.0 END
    WHERE id = new.id;
END;

-- The same for the status changes made before this migration.
UPDATE order_events SET waited = w.s FROM (
    SELECT id, (julianday(at) - julianday(LAG(at) OVER (PARTITION BY order_id ORDER BY id)))
        * 86400.0 AS s
    FROM order_events WHERE kind = 'status'
) AS w WHERE order_events.id = w.id AND w.s IS NOT NULL;
UPDATE order_events SET waited_dispatch = (julianday(at) - julianday((
    SELECT p.at FROM order_events p
    WHERE p.order_id = order_events.order_id AND p.kind = 'status' AND p.to_status = 'verified'
    ORDER BY p.id DESC LIMIT 1
))) * 86400.0 WHERE kind = 'status' AND to_status = 'shipped';
UPDATE order_events SET waited_receipt = (julianday(at) - julianday((
    SELECT MIN(p.at) FROM order_events p
    WHERE p.order_id = order_events.order_id AND p.kind = 'payment'
    AND p.to_status = 'proof_submitted'
))) * 86400.0 WHERE kind = 'status' AND to_status = 'verified';

-- Status changes by status and time, with their waits: the orders that moved in a period,
-- cancellations, the cycle times, from the index alone.
-- (kind is in it too, or SQLite would read each row to check the query's kind = 'status'.)
CREATE INDEX order_events_status ON order_events(
    to_status, at, order_id, waited, waited_dispatch, waited_receipt, kind
) WHERE kind = 'status';

-- Closed months' sales per zone, computed once (a month that has ended never changes:
-- sales count on the order's date, reversals and refunds on the day they happen).
CREATE TABLE sales_months (
    zone TEXT NOT NULL,
    month TEXT NOT NULL,  -- YYYY-MM in that zone
    gross INTEGER NOT NULL,
    discounts INTEGER NOT NULL,
    cancelled INTEGER NOT NULL,
    refunds INTEGER NOT NULL,
    shipping INTEGER NOT NULL,
    placed INTEGER NOT NULL,
    called_off INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (zone, month)
) WITHOUT ROWID;
