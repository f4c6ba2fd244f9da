-- The ledger transaction table had two indexes keyed by the random transaction id: the primary key
-- (channel_id, tx_id) and V4's index on tx_id alone (for "tx_id IN (...)", which H2 cannot serve
-- from the primary key's second column). Every block's inserts land on random leaves of both, and
-- H2 rewrites each changed leaf page at every commit: a profile of the four-node federation under
-- load showed H2 writing and reading those pages' strings in 41% of a node's CPU samples. A primary
-- key that starts with tx_id serves both the key lookups (channel_id = ? AND tx_id = ?) and the IN
-- list, so one random-keyed index is left instead of two. A transaction id is a hash over the
-- channel id among the rest, so it is unique on its own too; the key keeps the channel as before.
ALTER TABLE cl_ledger_tx DROP CONSTRAINT pk_cl_ledger_tx;
ALTER TABLE cl_ledger_tx ADD CONSTRAINT pk_cl_ledger_tx PRIMARY KEY (tx_id, channel_id);
DROP INDEX ix_cl_ledger_tx_id;
