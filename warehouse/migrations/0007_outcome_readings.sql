-- topic_outcomes.direction: the direction read with the topic's intervention as an arm where the
-- topic-free reading left it unclear ("9.84 h with melatonin, 8.75 h with placebo"); the outcomes view
-- prefers it. The view also gains p_relation: how the p-value was stated ("P < .05" is p_value 0.05
-- with p_relation '<'), so nobody reads a bound as an exact value.

ALTER TABLE topic_outcomes ADD COLUMN direction VARCHAR;

CREATE OR REPLACE VIEW outcomes AS
SELECT o.topic, m.pmid, m.text, o.concept,
    coalesce(o.direction, m.attrs ->> 'direction') AS direction,
    CAST(m.attrs ->> 'significant' AS BOOLEAN) AS significant,
    o.effect,
    CAST(m.attrs ->> 'effect_size' AS DOUBLE) AS effect_size,
    m.attrs ->> 'effect_kind' AS effect_kind,
    CAST(m.attrs ->> 'ci_low' AS DOUBLE) AS ci_low,
    CAST(m.attrs ->> 'ci_high' AS DOUBLE) AS ci_high,
    CAST(m.attrs ->> 'p_value' AS DOUBLE) AS p_value,
    m.attrs ->> 'p_relation' AS p_relation,
    m.attrs ->> 'sentence' AS sentence,
    m.section, m.start_char, m.end_char,
    m.article_version, m.extractor_version
FROM current_mentions m
JOIN topic_outcomes o
  ON o.pmid = m.pmid AND o.article_version = m.article_version AND o.extractor_version = m.extractor_version
 AND o.section = m.section AND o.start_char = m.start_char AND o.end_char = m.end_char
WHERE m.kind = 'outcome';
