"""The metadata's names as text, for the search vector: what a recommendation is about
(`search_topics`: its themes and affected groups) and who it is from and to, and where
(`search_parties`: issuing body, organisations and recommending states, addressees, document
symbol). Migration 0030 and services.recommendation_search_refresh() write them with this
one statement; the generated column search_vector weighs them below the text.

Set-based: one UPDATE for any number of recommendations, writing only the rows whose names
changed, since each written row's vector is computed again from its text. Each relation is
read once, filtered to the recommendations written and grouped, then joined: a plan that
holds whatever the planner believes of the tables. Looked up row by row instead, a table
never analysed since an import filled it (the states a recommendation names, estimated at
hundreds) was walked through every state for each recommendation, 16 s of a 42 s import.
"""

# `{scope}` completes a condition on a recommendation's id in each part: the ids written, or
# every recommendation at once, when no index is needed, so a bulk load can write them before
# it builds its indexes.
METADATA_SQL = """
WITH themes AS (
    SELECT rt.recommendation_id AS id, string_agg(t.name, ' ' ORDER BY t.name) AS names
      FROM recommendations_recommendation_themes AS rt
      JOIN recommendations_theme AS t ON t.id = rt.theme_id
     WHERE rt.recommendation_id {scope}
     GROUP BY rt.recommendation_id
), affected_groups AS (
    SELECT rg.recommendation_id AS id, string_agg(g.name, ' ' ORDER BY g.name) AS names
      FROM recommendations_recommendation_affected_groups AS rg
      JOIN recommendations_affectedgroup AS g ON g.id = rg.affectedgroup_id
     WHERE rg.recommendation_id {scope}
     GROUP BY rg.recommendation_id
), organizations AS (
    SELECT ro.recommendation_id AS id,
           string_agg(concat_ws(' ', o.acronym, o.name), ' ' ORDER BY o.name) AS names
      FROM recommendations_recommendation_organizations AS ro
      JOIN recommendations_organization AS o ON o.id = ro.organization_id
     WHERE ro.recommendation_id {scope}
     GROUP BY ro.recommendation_id
), recommending AS (
    SELECT rs.recommendation_id AS id,
           string_agg(concat_ws(' ', s.code, s.name), ' ' ORDER BY s.code) AS names
      FROM recommendations_recommendation_recommending_states AS rs
      JOIN recommendations_state AS s ON s.id = rs.state_id
     WHERE rs.recommendation_id {scope}
     GROUP BY rs.recommendation_id
), addressees AS (
    SELECT tg.recommendation_id AS id,
           string_agg(concat_ws(' ', s.code, s.name, b.acronym, b.name), ' ' ORDER BY tg.id)
               AS names
      FROM recommendations_target AS tg
      LEFT JOIN recommendations_state AS s ON s.id = tg.state_id
      LEFT JOIN recommendations_body AS b ON b.id = tg.body_id
     WHERE tg.recommendation_id {scope}
     GROUP BY tg.recommendation_id
)
UPDATE recommendations_recommendation AS r
SET search_topics = m.topics, search_parties = m.parties
FROM (
    SELECT
        r.id,
        concat_ws(' ', themes.names, affected_groups.names) AS topics,
        concat_ws(
            ' ',
            CASE WHEN b.id IS NOT NULL THEN concat_ws(' ', b.acronym, b.name) END,
            organizations.names,
            recommending.names,
            addressees.names,
            d.symbol
        ) AS parties
    FROM recommendations_recommendation AS r
    LEFT JOIN themes ON themes.id = r.id
    LEFT JOIN affected_groups ON affected_groups.id = r.id
    LEFT JOIN organizations ON organizations.id = r.id
    LEFT JOIN recommending ON recommending.id = r.id
    LEFT JOIN addressees ON addressees.id = r.id
    LEFT JOIN recommendations_body AS b ON b.id = r.issued_by_id
    LEFT JOIN recommendations_document AS d ON d.id = r.document_id
    WHERE r.id {scope}
) AS m
WHERE r.id = m.id
  AND (r.search_topics, r.search_parties) IS DISTINCT FROM (m.topics, m.parties)
"""


def search_metadata_write(cursor, *, ids: list[int]) -> int:
    """Write the metadata's names of the recommendations `ids`; returns how many changed."""
    cursor.execute(METADATA_SQL.format(scope="= ANY(%(ids)s)"), {"ids": ids})
    return cursor.rowcount


def search_metadata_write_all(cursor) -> int:
    """Write every recommendation's, in one statement; returns how many changed."""
    cursor.execute(METADATA_SQL.format(scope="IS NOT NULL"))
    return cursor.rowcount
