-- Idempotent checkout: each checkout draft carries a random key (kept in the persisted
-- conversation data from the moment checkout starts) and the order it places stores it.
-- Confirm pressed again after a crash finds the order by its key instead of placing twice.
ALTER TABLE orders ADD COLUMN checkout_key TEXT;
CREATE UNIQUE INDEX orders_checkout_key ON orders(checkout_key) WHERE checkout_key IS NOT NULL;
