-- Outcome findings per topic: each outcome mention (mentions.kind = 'outcome', attrs = OutcomeAttrs)
-- read for each topic of its article: the canonical outcome it names and whether it is good news.

CREATE TABLE topic_outcomes (
    topic             VARCHAR NOT NULL,
    pmid              BIGINT NOT NULL,
    article_version   INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL,
    section           VARCHAR NOT NULL,      -- title | abstract (as the mention)
    start_char        INTEGER NOT NULL,      -- the mention's offsets in articles.title / articles.abstract
    end_char          INTEGER NOT NULL,
    concept           VARCHAR,               -- the topic outcome's canonical name; NULL when unmapped
    effect            VARCHAR NOT NULL,      -- benefit | harm | null | unclear
    PRIMARY KEY (topic, pmid, article_version, extractor_version, section, start_char, end_char)
);

CREATE VIEW outcomes AS
SELECT o.topic, m.pmid, m.text, o.concept,
    m.attrs ->> 'direction' AS direction,
    CAST(m.attrs ->> 'significant' AS BOOLEAN) AS significant,
    o.effect,
    CAST(m.attrs ->> 'effect_size' AS DOUBLE) AS effect_size,
    m.attrs ->> 'effect_kind' AS effect_kind,
    CAST(m.attrs ->> 'ci_low' AS DOUBLE) AS ci_low,
    CAST(m.attrs ->> 'ci_high' AS DOUBLE) AS ci_high,
    CAST(m.attrs ->> 'p_value' AS DOUBLE) AS p_value,
    m.attrs ->> 'sentence' AS sentence,
    m.section, m.start_char, m.end_char,
    m.article_version, m.extractor_version
FROM current_mentions m
JOIN topic_outcomes o
  ON o.pmid = m.pmid AND o.article_version = m.article_version AND o.extractor_version = m.extractor_version
 AND o.section = m.section AND o.start_char = m.start_char AND o.end_char = m.end_char
WHERE m.kind = 'outcome';
