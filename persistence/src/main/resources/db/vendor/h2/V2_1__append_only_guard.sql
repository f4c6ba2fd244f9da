-- 2026-11-23 Ledger core: H2 can only enforce append-only with Java trigger classes on its own
-- class path, which the embedded server does not have; the code has no update or delete path and
-- chain verification detects any change. Recorded in the catalogue so the intent is visible.
COMMENT ON TABLE cl_block IS 'append-only ledger table';
COMMENT ON TABLE cl_ledger_tx IS 'append-only ledger table';
COMMENT ON TABLE cl_channel IS 'append-only ledger table';
