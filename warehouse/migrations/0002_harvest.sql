-- Harvest state: per-topic watermarks (advanced only when a harvest fetched everything) and a view
-- that lifts each harvest run's counters out of runs.detail into columns.

CREATE TABLE harvest_state (
    topic           VARCHAR PRIMARY KEY,
    watermark_edat  DATE NOT NULL,      -- last Entrez date fully harvested (next run starts here minus overlap)
    watermark_mdat  DATE NOT NULL,      -- last modification date fully harvested (revisions)
    last_run_id     VARCHAR NOT NULL,   -- the harvest run that set these watermarks
    updated_at      TIMESTAMP NOT NULL
);

CREATE VIEW harvest_runs AS
SELECT
    run_id,
    topic,
    started_at,
    finished_at,
    status,
    CAST(detail ->> 'window_start' AS DATE) AS window_start,
    CAST(detail ->> 'window_end' AS DATE) AS window_end,
    CAST(detail ->> 'searched' AS INTEGER) AS searched,
    CAST(detail ->> 'fetched' AS INTEGER) AS fetched,
    records_new,
    records_revised,
    records_unchanged,
    CAST(detail ->> 'requests' AS INTEGER) AS requests,
    CAST(detail ->> 'failed_requests' AS INTEGER) AS failed_requests,
    CAST(detail ->> 'retries' AS INTEGER) AS retries,
    error
FROM runs
WHERE kind = 'harvest';
