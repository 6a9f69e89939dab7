-- The plain ceiling of the store: one ~300-byte row per transaction (run with 16 clients). Table: plain-rows-schema.sql.
INSERT INTO bench_rows (body) VALUES (repeat('x', 300));
