-- Articles as PubMed has them: one current row per PMID, every stored version, topic membership,
-- and a record of each run (import, harvest, extract, nightly) with its counts.

CREATE TABLE articles (
    pmid              BIGINT PRIMARY KEY,
    version           INTEGER NOT NULL,      -- litwatch's stored version number (1, 2, ...)
    title             VARCHAR NOT NULL,
    abstract          VARCHAR NOT NULL,      -- sections in order, "Label: text", one per line
    vernacular_title  VARCHAR,
    journal           VARCHAR,
    journal_iso       VARCHAR,
    pub_date          DATE,
    pub_year          INTEGER,
    pub_date_text     VARCHAR,
    languages         VARCHAR[],
    authors           VARCHAR[],
    publication_types VARCHAR[],
    mesh_terms        VARCHAR[],
    keywords          VARCHAR[],
    doi               VARCHAR,
    pmc               VARCHAR,
    registry_ids      VARCHAR[],             -- "databank:accession"
    status            VARCHAR,
    date_revised      DATE,
    entrez_date       DATE,
    is_book           BOOLEAN NOT NULL DEFAULT false,
    retracted         BOOLEAN NOT NULL DEFAULT false,
    deleted           BOOLEAN NOT NULL DEFAULT false,
    content_hash      VARCHAR NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

CREATE TABLE article_versions (
    pmid          BIGINT NOT NULL,
    version       INTEGER NOT NULL,
    content_hash  VARCHAR NOT NULL,
    record        JSON NOT NULL,              -- the full parsed record (litwatch.pubmed.records)
    source        VARCHAR NOT NULL,           -- file path or 'eutils'
    run_id        VARCHAR,
    loaded_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (pmid, version)
);

CREATE TABLE topic_articles (
    topic       VARCHAR NOT NULL,
    pmid        BIGINT NOT NULL,
    first_seen  TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,            -- 'import' or 'harvest'
    run_id      VARCHAR,
    PRIMARY KEY (topic, pmid)
);

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    kind              VARCHAR NOT NULL,     -- import | harvest | extract | nightly | ...
    topic             VARCHAR,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    status            VARCHAR NOT NULL,     -- running | ok | failed
    records_new       INTEGER NOT NULL DEFAULT 0,
    records_revised   INTEGER NOT NULL DEFAULT 0,
    records_unchanged INTEGER NOT NULL DEFAULT 0,
    records_deleted   INTEGER NOT NULL DEFAULT 0,
    records_failed    INTEGER NOT NULL DEFAULT 0,
    error             VARCHAR,
    detail            JSON
);

CREATE TABLE imports (
    run_id     VARCHAR NOT NULL,
    file       VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    records    INTEGER NOT NULL,
    deletions  INTEGER NOT NULL,
    loaded_at  TIMESTAMP NOT NULL
);
