-- 2026-11-23 Consensus. What this member last signed in a channel's consensus (height, round,
-- lock, the messages it sent: the engine's SignedState, in its own binary encoding) is written
-- and committed here BEFORE any of those messages leaves the node, so a restart can never make
-- the member sign something that contradicts what it signed before. One row per channel,
-- replaced as the state moves on; this is the member's own working state, not ledger data, so it
-- is not append-only.

CREATE TABLE cl_consensus_state (
    channel_id  VARCHAR(63)              NOT NULL,
    height      BIGINT                   NOT NULL,
    round       INTEGER                  NOT NULL,
    state_bytes BYTEA                    NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_consensus_state PRIMARY KEY (channel_id),
    CONSTRAINT fk_cl_consensus_state_channel FOREIGN KEY (channel_id) REFERENCES cl_channel (channel_id),
    CONSTRAINT ck_cl_consensus_state_height CHECK (height >= 1),
    CONSTRAINT ck_cl_consensus_state_round CHECK (round >= 0)
);
