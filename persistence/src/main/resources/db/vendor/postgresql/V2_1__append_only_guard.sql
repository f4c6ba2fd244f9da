-- 2026-11-23 Ledger core: the database itself refuses to change or remove ledger rows, so a bug or
-- a stray statement cannot rewrite history. (Someone with the table owner's rights can still
-- disable the trigger; chain verification then shows what changed.)
CREATE FUNCTION cl_refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'CareLedger: % is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE TRIGGER trg_cl_channel_append_only BEFORE UPDATE OR DELETE ON cl_channel
    FOR EACH ROW EXECUTE FUNCTION cl_refuse_ledger_change();
CREATE TRIGGER trg_cl_block_append_only BEFORE UPDATE OR DELETE ON cl_block
    FOR EACH ROW EXECUTE FUNCTION cl_refuse_ledger_change();
CREATE TRIGGER trg_cl_ledger_tx_append_only BEFORE UPDATE OR DELETE ON cl_ledger_tx
    FOR EACH ROW EXECUTE FUNCTION cl_refuse_ledger_change();
CREATE TRIGGER trg_cl_node_start_append_only BEFORE UPDATE OR DELETE ON cl_node_start
    FOR EACH ROW EXECUTE FUNCTION cl_refuse_ledger_change();

CREATE TRIGGER trg_cl_channel_no_truncate BEFORE TRUNCATE ON cl_channel
    FOR EACH STATEMENT EXECUTE FUNCTION cl_refuse_ledger_change();
CREATE TRIGGER trg_cl_block_no_truncate BEFORE TRUNCATE ON cl_block
    FOR EACH STATEMENT EXECUTE FUNCTION cl_refuse_ledger_change();
CREATE TRIGGER trg_cl_ledger_tx_no_truncate BEFORE TRUNCATE ON cl_ledger_tx
    FOR EACH STATEMENT EXECUTE FUNCTION cl_refuse_ledger_change();
