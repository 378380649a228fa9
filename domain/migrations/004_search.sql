-- /find without scanning orders: the customer's name and phone in an FTS5 trigram index, so
-- any fragment of 3 or more characters is found through the index (case-insensitive).
-- Order and tracking numbers are matched exactly through their own b-tree indexes.
--
-- Contentless (content=''): the text stays in `orders`; the index keeps only trigrams, and
-- rowid is the order id. Removing a row from a contentless index needs the values it was
-- indexed with, which the triggers pass from OLD.
-- `phone` holds the digits after the country code (`+6281234567890` → `81234567890`), so
-- `0812-3456` is found as `8123456`, and no trigram is in every row: a `628` in each would
-- make FTS5 walk a list of every order whenever a phone search has few matches.
-- columnsize=0: no per-row sizes (they serve only ranking, which /find does not use).
CREATE VIRTUAL TABLE order_search USING fts5(
    name, phone, content='', columnsize=0, tokenize='trigram'
);

CREATE TRIGGER order_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_search (rowid, name, phone)
    VALUES (
        new.id, new.customer_name,
        CASE WHEN new.phone LIKE '+62%' THEN substr(new.phone, 4)
             ELSE REPLACE(new.phone, '+', '') END
    );
END;

CREATE TRIGGER order_search_update AFTER UPDATE OF customer_name, phone ON orders
WHEN old.customer_name IS NOT new.customer_name OR old.phone IS NOT new.phone
BEGIN
    INSERT INTO order_search (order_search, rowid, name, phone)
    VALUES (
        'delete', old.id, old.customer_name,
        CASE WHEN old.phone LIKE '+62%' THEN substr(old.phone, 4)
             ELSE REPLACE(old.phone, '+', '') END
    );
    INSERT INTO order_search (rowid, name, phone)
    VALUES (
        new.id, new.customer_name,
        CASE WHEN new.phone LIKE '+62%' THEN substr(new.phone, 4)
             ELSE REPLACE(new.phone, '+', '') END
    );
END;

CREATE TRIGGER order_search_delete AFTER DELETE ON orders BEGIN
    INSERT INTO order_search (order_search, rowid, name, phone)
    VALUES (
        'delete', old.id, old.customer_name,
        CASE WHEN old.phone LIKE '+62%' THEN substr(old.phone, 4)
             ELSE REPLACE(old.phone, '+', '') END
    );
END;

-- Orders placed before this migration.
INSERT INTO order_search (rowid, name, phone)
SELECT id, customer_name,
       CASE WHEN phone LIKE '+62%' THEN substr(phone, 4) ELSE REPLACE(phone, '+', '') END
FROM orders;
