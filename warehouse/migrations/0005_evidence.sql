-- Evidence summaries and flags. `summaries`: one snapshot row per topic, run and canonical outcome
-- (the verdict and its counts as columns, the whole outcome summary as JSON), so any two runs can be
-- compared. `flags`: one row per study, reason and outcome that a run's diff raised.

CREATE TABLE summaries (
    topic           VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    outcome         VARCHAR NOT NULL,      -- the topic's canonical outcome name
    outcome_kind    VARCHAR NOT NULL,      -- clinical | mechanistic
    verdict         VARCHAR NOT NULL,      -- supported | mixed | not supported | insufficient
    rule_id         VARCHAR NOT NULL,      -- V1..V6, the verdict rule that decided
    strength        VARCHAR NOT NULL,      -- high | moderate | low | very low
    deciding_tier   INTEGER,               -- best tier with a human finding (1 = meta-analysis)
    studies         INTEGER NOT NULL,      -- included studies with a finding on the outcome
    participants    BIGINT NOT NULL,       -- sum of reported sample sizes of included human studies
    benefit         INTEGER NOT NULL,
    null_findings   INTEGER NOT NULL,
    harm            INTEGER NOT NULL,
    unclear         INTEGER NOT NULL,
    excluded        INTEGER NOT NULL,      -- retracted studies left out
    strongest_pmid  BIGINT,
    snapshot        JSON NOT NULL,         -- litwatch.evidence.models.OutcomeSummary
    PRIMARY KEY (topic, run_id, outcome)
);

CREATE TABLE flags (
    topic       VARCHAR NOT NULL,
    pmid        BIGINT NOT NULL,
    run_id      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,          -- first_evidence | higher_tier | verdict_change | ...
    outcome     VARCHAR,                   -- NULL for study-level reasons (retraction, ...)
    detail      JSON NOT NULL,             -- litwatch.evidence.diff.FlagDetail, null fields omitted
    created_at  TIMESTAMP NOT NULL
);
