-- Extraction results: one `extractions` row per (article version, extractor version), the spans it
-- found in `mentions`, relevance per topic, and the typed views curators query.

CREATE TABLE extractions (
    pmid              BIGINT NOT NULL,
    article_version   INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,      -- "<pipeline version>+<content hash>"
    design            VARCHAR NOT NULL,      -- extractors.models.Design
    design_source     VARCHAR NOT NULL,      -- publication_type | mesh | text | default
    sample_size       INTEGER,
    skipped_reason    VARCHAR,               -- set when the article was not run through the pipeline
    extracted_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (pmid, article_version, extractor_version)
);

CREATE TABLE mentions (
    pmid              BIGINT NOT NULL,
    article_version   INTEGER NOT NULL,
    kind              VARCHAR NOT NULL,      -- dose | population | outcome
    label             VARCHAR NOT NULL,      -- sub-field: amount, frequency, sample_size, age, ...
    section           VARCHAR NOT NULL,      -- title | abstract
    start_char        INTEGER NOT NULL,      -- offsets index articles.title / articles.abstract
    end_char          INTEGER NOT NULL,
    text              VARCHAR NOT NULL,      -- equals the slice [start_char, end_char) of that field
    attrs             JSON,                  -- DoseAttrs / PopulationAttrs / OutcomeAttrs
    extractor_version VARCHAR NOT NULL
);
CREATE INDEX mentions_article ON mentions (pmid, article_version, extractor_version);

CREATE TABLE topic_relevance (
    topic             VARCHAR NOT NULL,
    pmid              BIGINT NOT NULL,
    article_version   INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,
    relevant          BOOLEAN NOT NULL,
    reason            VARCHAR NOT NULL,
    PRIMARY KEY (topic, pmid, article_version, extractor_version)
);

-- The extraction curators see: of each article's current version, the most recent one.
CREATE VIEW current_extractions AS
SELECT e.*
FROM extractions e
JOIN articles a ON a.pmid = e.pmid AND a.version = e.article_version
QUALIFY row_number() OVER (PARTITION BY e.pmid ORDER BY e.extracted_at DESC, e.extractor_version DESC) = 1;

CREATE VIEW current_mentions AS
SELECT m.*
FROM mentions m
JOIN current_extractions e
  ON e.pmid = m.pmid AND e.article_version = m.article_version AND e.extractor_version = m.extractor_version;

CREATE VIEW doses AS
SELECT pmid, article_version, label, section, start_char, end_char, text,
    CAST(attrs ->> 'amount_low' AS DOUBLE) AS amount_low,
    CAST(attrs ->> 'amount_high' AS DOUBLE) AS amount_high,
    attrs ->> 'unit' AS unit,
    attrs ->> 'per' AS per,
    CAST(attrs ->> 'frequency_per_day' AS DOUBLE) AS frequency_per_day,
    CAST(attrs ->> 'duration_days' AS DOUBLE) AS duration_days,
    attrs ->> 'compound' AS compound,
    attrs ->> 'form' AS form,
    CAST(attrs ->> 'elemental' AS BOOLEAN) AS elemental,
    CAST(attrs ->> 'mg_per_day_low' AS DOUBLE) AS mg_per_day_low,
    CAST(attrs ->> 'mg_per_day_high' AS DOUBLE) AS mg_per_day_high,
    extractor_version
FROM current_mentions
WHERE kind = 'dose';

CREATE VIEW populations AS
SELECT pmid, article_version, label, section, start_char, end_char, text,
    CAST(attrs ->> 'sample_size' AS INTEGER) AS sample_size,
    CAST(attrs ->> 'age_low' AS DOUBLE) AS age_low,
    CAST(attrs ->> 'age_high' AS DOUBLE) AS age_high,
    CAST(attrs ->> 'age_mean' AS DOUBLE) AS age_mean,
    attrs ->> 'age_group' AS age_group,
    attrs ->> 'sex' AS sex,
    attrs ->> 'condition' AS condition,
    attrs ->> 'setting' AS setting,
    extractor_version
FROM current_mentions
WHERE kind = 'population';

CREATE VIEW studies AS
SELECT ta.topic, ta.pmid, e.design, e.sample_size, r.relevant, r.reason AS relevance_reason, a.retracted,
    a.version AS article_version, e.extractor_version, e.design_source, e.skipped_reason
FROM topic_articles ta
JOIN articles a ON a.pmid = ta.pmid AND NOT a.deleted
LEFT JOIN current_extractions e ON e.pmid = ta.pmid
LEFT JOIN topic_relevance r
  ON r.topic = ta.topic AND r.pmid = e.pmid AND r.article_version = e.article_version
 AND r.extractor_version = e.extractor_version;
