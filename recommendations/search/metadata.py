"""The metadata's names as text, for the search vector: what a recommendation is about
(`search_topics`: its themes and affected groups) and who it is from and to, and where
(`search_parties`: issuing body, organisations and recommending states, addressees, document
symbol). Migration 0030 and services.recommendation_search_refresh() write them with this
one statement; the generated column search_vector weighs them below the text.

Set-based: one UPDATE for any number of recommendations, writing only the rows whose names
changed, since each written row's vector is computed again from its text.
"""

METADATA_SQL = """
UPDATE recommendations_recommendation AS r
SET search_topics = m.topics, search_parties = m.parties
FROM (
    SELECT
        r.id,
        concat_ws(
            ' ',
            (SELECT string_agg(t.name, ' ' ORDER BY t.name)
               FROM recommendations_recommendation_themes AS rt
               JOIN recommendations_theme AS t ON t.id = rt.theme_id
              WHERE rt.recommendation_id = r.id),
            (SELECT string_agg(g.name, ' ' ORDER BY g.name)
               FROM recommendations_recommendation_affected_groups AS rg
               JOIN recommendations_affectedgroup AS g ON g.id = rg.affectedgroup_id
              WHERE rg.recommendation_id = r.id)
        ) AS topics,
        concat_ws(
            ' ',
            (SELECT concat_ws(' ', b.acronym, b.name)
               FROM recommendations_body AS b WHERE b.id = r.issued_by_id),
            (SELECT string_agg(concat_ws(' ', o.acronym, o.name), ' ' ORDER BY o.name)
               FROM recommendations_recommendation_organizations AS ro
               JOIN recommendations_organization AS o ON o.id = ro.organization_id
              WHERE ro.recommendation_id = r.id),
            (SELECT string_agg(concat_ws(' ', s.code, s.name), ' ' ORDER BY s.code)
               FROM recommendations_recommendation_recommending_states AS rs
               JOIN recommendations_state AS s ON s.id = rs.state_id
              WHERE rs.recommendation_id = r.id),
            (SELECT string_agg(
                        concat_ws(' ', s.code, s.name, b.acronym, b.name), ' ' ORDER BY tg.id
                    )
               FROM recommendations_target AS tg
               LEFT JOIN recommendations_state AS s ON s.id = tg.state_id
               LEFT JOIN recommendations_body AS b ON b.id = tg.body_id
              WHERE tg.recommendation_id = r.id),
            (SELECT d.symbol FROM recommendations_document AS d WHERE d.id = r.document_id)
        ) AS parties
    FROM recommendations_recommendation AS r
    WHERE {where}
) AS m
WHERE r.id = m.id
  AND (r.search_topics, r.search_parties) IS DISTINCT FROM (m.topics, m.parties)
"""

# Migration 0030 and `manage.py search_refresh` write every row, this many at a time.
REFRESH_ALL_BATCH = 20_000


def search_metadata_write(cursor, *, ids: list[int]) -> int:
    """Write the metadata's names of the recommendations `ids`; returns how many changed."""
    cursor.execute(METADATA_SQL.format(where="r.id = ANY(%s)"), [ids])
    return cursor.rowcount


def search_metadata_write_all(cursor) -> int:
    """Write every recommendation's, in batches of ids; returns how many changed."""
    cursor.execute("SELECT min(id), max(id) FROM recommendations_recommendation")
    first, last = cursor.fetchone()
    changed = 0
    if first is None:
        return changed
    for start in range(first, last + 1, REFRESH_ALL_BATCH):
        cursor.execute(
            METADATA_SQL.format(where="r.id >= %s AND r.id < %s"),
            [start, start + REFRESH_ALL_BATCH],
        )
        changed += cursor.rowcount
    return changed
