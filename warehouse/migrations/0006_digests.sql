-- Email digests: one row per topic per run, recording what each digest lists and how delivery went.
-- A paper listed by a digest (pmids) or a run whose flags it reports (flag_runs) belongs to that
-- digest for good: later digests never list it again, and an unsent digest is retried as it is.

CREATE TABLE digests (
    topic       VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,           -- sending | sent | failed | skipped
    delivery    VARCHAR,                    -- smtp | outbox (NULL while not delivered)
    recipients  VARCHAR[] NOT NULL,
    subject     VARCHAR,
    message_id  VARCHAR,                    -- deterministic from topic + run: receivers can dedupe
    n_flagged   INTEGER NOT NULL DEFAULT 0,
    n_new       INTEGER NOT NULL DEFAULT 0,
    pmids       BIGINT[] NOT NULL,          -- every paper the digest lists (flagged and new)
    flag_runs   VARCHAR[] NOT NULL,         -- runs whose flags the digest reports
    message     VARCHAR,                    -- the RFC 5322 message, byte for byte what is (re)sent
    eml_path    VARCHAR,                    -- the .eml written by a dry run
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       VARCHAR,                    -- last delivery error, one sentence
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    PRIMARY KEY (topic, run_id)
);
