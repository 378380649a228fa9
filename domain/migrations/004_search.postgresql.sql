-- PostgreSQL's 004 (see 004_search.sql): /find's fragments of the customer's name and phone
-- through pg_trgm GIN indexes on the orders' own columns (no table or triggers to keep in
-- step): `lower(customer_name) LIKE '%…%'` and `phone LIKE '%…%'` use them for any fragment of
-- 3 or more characters. pg_trgm is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX orders_name_trgm ON orders USING gin (lower(customer_name) gin_trgm_ops);
CREATE INDEX orders_phone_trgm ON orders USING gin (phone gin_trgm_ops);
