-- populations.participants_condition: on condition mentions, whether a people noun ties the phrase to the
-- participants ("patients with X", "X patients"), unlike a disease word that only stands in a sentence about
-- them ("to improve fatigue ... in patients with cancer"). The evidence summary names a study's condition
-- from these first. Appended as the view's last column, so existing columns keep their positions.

CREATE OR REPLACE VIEW populations AS
SELECT pmid, article_version, label, section, start_char, end_char, text,
    CAST(attrs ->> 'sample_size' AS INTEGER) AS sample_size,
    CAST(attrs ->> 'age_low' AS DOUBLE) AS age_low,
    CAST(attrs ->> 'age_high' AS DOUBLE) AS age_high,
    CAST(attrs ->> 'age_mean' AS DOUBLE) AS age_mean,
    attrs ->> 'age_group' AS age_group,
    attrs ->> 'sex' AS sex,
    attrs ->> 'condition' AS condition,
    attrs ->> 'setting' AS setting,
    extractor_version,
    CAST(attrs ->> 'participants_condition' AS BOOLEAN) AS participants_condition
FROM current_mentions
WHERE kind = 'population';
