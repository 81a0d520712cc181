from django.db import migrations, models

COLUMNS = (
    "dimension, key, recommendations, targets, answered, answered_late, days_late, assessments"
)
SUMS = (
    "sum(recommendations), sum(targets), sum(answered), sum(answered_late), sum(days_late), "
    "sum(assessments)"
)
NONZERO = " OR ".join(f"sum({column}) <> 0" for column in COLUMNS.split(", ")[2:])


def added(cells: str) -> str:
    """An INSERT of `cells` (rows of COLUMNS) summed per bucket, the buckets that net to
    nothing left out."""
    return (
        f"INSERT INTO recommendations_statscount ({COLUMNS}) "
        f"SELECT dimension, key, {SUMS} FROM ({cells}) AS cells ({COLUMNS}) "
        f"GROUP BY dimension, key HAVING {NONZERO}"
    )


# What each function of the counts returns: rows of COLUMNS.
RETURNS_COUNTS = """RETURNS TABLE (
    dimension text, key text, recommendations bigint, targets bigint, answered bigint,
    answered_late bigint, days_late bigint, assessments bigint
)"""

# Each bucket a row counts in, with `direction` 1 to add it and -1 to take it away. A
# target counts once in its status, its addressee (where it is also its recommendation:
# one target per recommendation and addressee), its recommendation's issuing body, year and
# themes; its addressee also counts whether it answered (its first response), late, and by
# how many days after the response due date.
FUNCTIONS = f"""
CREATE FUNCTION stats_count_answer(
    due date, first_answer date,
    OUT answered integer, OUT answered_late integer, OUT days_late integer
) LANGUAGE sql IMMUTABLE AS $$
    SELECT (due IS NOT NULL AND first_answer IS NOT NULL)::integer,
           coalesce(first_answer > due, false)::integer,
           CASE WHEN first_answer > due THEN first_answer - due ELSE 0 END
$$;

CREATE FUNCTION stats_count_target(
    t_id bigint, t_recommendation bigint, t_status text, t_state bigint, t_body bigint,
    t_due date, direction integer
)
{RETURNS_COUNTS} LANGUAGE sql STABLE AS $$
    SELECT cell.dimension, cell.key, direction * cell.recommendations, direction::bigint,
           direction * cell.answered, direction * cell.answered_late,
           direction * cell.days_late, 0::bigint
    FROM recommendations_recommendation r,
    LATERAL (
        SELECT min(x.date) AS first_answer FROM recommendations_response x
        WHERE x.target_id = t_id
    ) first,
    LATERAL stats_count_answer(t_due, first.first_answer) answer,
    LATERAL (VALUES
        ('total', '', 0::bigint, 0::bigint, 0::bigint, 0::bigint),
        ('status', t_status, 0, 0, 0, 0),
        (CASE WHEN t_state IS NULL THEN 'body' ELSE 'state' END,
         coalesce(t_state, t_body)::text, 1,
         answer.answered, answer.answered_late, answer.days_late),
        ('issuer', coalesce(r.issued_by_id::text, ''), 0, 0, 0, 0),
        ('year', coalesce(extract(year FROM r.issued_on)::integer::text, ''), 0, 0, 0, 0)
    ) AS cell(dimension, key, recommendations, answered, answered_late, days_late)
    WHERE r.id = t_recommendation
    UNION ALL
    SELECT 'theme', th.theme_id::text, 0::bigint, direction::bigint, 0::bigint, 0::bigint,
           0::bigint, 0::bigint
    FROM recommendations_recommendation_themes th
    WHERE th.recommendation_id = t_recommendation
$$;

-- A recommendation, and `moved` of its targets moved with it to another issuer or year.
CREATE FUNCTION stats_count_recommendation(
    issued_by_id bigint, issued_on date, direction integer, moved bigint
) {RETURNS_COUNTS} LANGUAGE sql IMMUTABLE AS $$
    SELECT cell.dimension, cell.key, direction::bigint, direction * moved, 0::bigint,
           0::bigint, 0::bigint, 0::bigint
    FROM (VALUES
        ('total', ''),
        ('issuer', coalesce(issued_by_id::text, '')),
        ('year', coalesce(extract(year FROM issued_on)::integer::text, ''))
    ) AS cell(dimension, key)
$$;

CREATE FUNCTION stats_count_assessment(
    scale text, raw_grade text, implementation text, direction integer
) {RETURNS_COUNTS} LANGUAGE sql IMMUTABLE AS $$
    SELECT 'grade', json_build_array(scale, raw_grade, implementation)::text, 0::bigint,
           0::bigint, 0::bigint, 0::bigint, 0::bigint, direction::bigint
    WHERE scale <> ''
$$;

-- Every count from the tables themselves: the migration's first fill, the benchmark's after
-- its bulk load, and what the tests hold the triggers' sums to. Writers wait for it (their
-- triggers append to the locked table), so none is counted twice or missed.
CREATE FUNCTION stats_count_rebuild() RETURNS void LANGUAGE sql AS $$
    LOCK TABLE recommendations_statscount IN EXCLUSIVE MODE;
    DELETE FROM recommendations_statscount;
    {
    added('''
        SELECT c.* FROM recommendations_target t,
        LATERAL stats_count_target(
            t.id, t.recommendation_id, t.status, t.state_id, t.body_id, t.response_due, 1
        ) c
        UNION ALL
        SELECT c.* FROM recommendations_recommendation r,
        LATERAL stats_count_recommendation(r.issued_by_id, r.issued_on, 1, 0) c
        UNION ALL
        SELECT 'theme', theme_id::text, count(*), 0, 0, 0, 0, 0
        FROM recommendations_recommendation_themes GROUP BY theme_id
        UNION ALL
        SELECT 'status', status, count(DISTINCT recommendation_id), 0, 0, 0, 0, 0
        FROM recommendations_target GROUP BY status
        UNION ALL
        SELECT c.* FROM recommendations_assessment a,
        LATERAL stats_count_assessment(a.scale, a.raw_grade, a.implementation, 1) c
    ''')
};
$$;

-- The rows of changes summed back to one per bucket. A change committed meanwhile is not
-- deleted here and stays to be summed next time.
CREATE FUNCTION stats_count_compact() RETURNS void LANGUAGE sql AS $$
    WITH removed AS (DELETE FROM recommendations_statscount RETURNING *)
    INSERT INTO recommendations_statscount ({COLUMNS})
    SELECT dimension, key, {SUMS} FROM removed
    GROUP BY dimension, key HAVING {NONZERO};
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION stats_count_compact();
DROP FUNCTION stats_count_rebuild();
DROP FUNCTION stats_count_assessment(text, text, text, integer);
DROP FUNCTION stats_count_recommendation(bigint, date, integer, bigint);
DROP FUNCTION stats_count_target(bigint, bigint, text, bigint, bigint, date, integer);
DROP FUNCTION stats_count_answer(date, date);
"""

# A bulk load that rebuilds the counts afterwards (bench/generate.py) sets this for its
# transaction: its rows are counted once, by the rebuild.
DEFERRED = (
    "IF current_setting('tracker.stats_counts_deferred', true) = 'on' THEN RETURN NULL; END IF;"
)


def statement_trigger(name: str, table: str, event: str, body: str) -> tuple[str, str]:
    """A statement-level trigger on `event` and its function, over the statement's rows as
    `new_rows` (INSERT, UPDATE) and `old_rows` (UPDATE, DELETE)."""
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    function = f"{name}_{event.lower()}"
    return (
        f"""
        CREATE {trigger_function(function, body)}
        CREATE TRIGGER {function} AFTER {event} ON {table} REFERENCING {tables}
        FOR EACH STATEMENT EXECUTE FUNCTION {function}();
        """,
        f"DROP TRIGGER {function} ON {table}; DROP FUNCTION {function}();",
    )


def trigger_function(function: str, body: str) -> str:
    """`FUNCTION …`, to follow CREATE or CREATE OR REPLACE."""
    return f"""FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {DEFERRED}
            {body}
            RETURN NULL;
        END $$;"""


def signed(event: str, columns: str, *, counted: str = "") -> str:
    """The statement's rows with `direction`: 1 for a row written, -1 for one removed. An
    update's rows whose `counted` columns it left as they were are left out."""
    sides = {"INSERT": ["new"], "UPDATE": ["old", "new"], "DELETE": ["old"]}[event]

    def unchanged(side: str) -> str:
        if event != "UPDATE" or not counted:
            return ""
        other = "old" if side == "new" else "new"
        return (
            f" WHERE NOT EXISTS (SELECT FROM {other}_rows o WHERE o.id = r.id"
            f" AND ({prefixed('o', counted)}) IS NOT DISTINCT FROM ({prefixed('r', counted)}))"
        )

    return " UNION ALL ".join(
        f"SELECT {columns}, {1 if side == 'new' else -1} AS direction FROM {side}_rows r"
        + unchanged(side)
        for side in sides
    )


def prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in columns.split(","))


# A status counts each recommendation once: a trigger counts a recommendation in a status
# when it has targets of it after the statement and had none before (or the other way round),
# and a theme counts its recommendations' targets. Two writers of one recommendation take
# turns on a lock of its id, held until they commit, so that the second counts the targets
# and themes the first committed. A statement of more than LOCKED_AT_MOST recommendations (a
# bulk write: an import, the daily pass) takes none, rather than thousands of locks; the
# services and the importer lock the targets they write first, so only an editor's write
# racing a bulk write of the same recommendation's targets can miscount it, by one, until
# stats_count_rebuild().
LOCKED_AT_MOST = 100


def recommendations_locked(rows: str) -> str:
    return f"""
        IF (SELECT count(DISTINCT recommendation_id) FROM ({rows}) changed)
           <= {LOCKED_AT_MOST} THEN
            PERFORM pg_advisory_xact_lock(21332, (recommendation_id % 2147483648)::integer)
            FROM (
                SELECT DISTINCT recommendation_id FROM ({rows}) changed ORDER BY 1
            ) recommendations;
        END IF;
    """


TARGET_COLUMNS = "id, recommendation_id, status, state_id, body_id, response_due"


# How many of a recommendation's targets have a status after the statement. Migration 0037
# replaces it: with a table's statistics stale (in the middle of an import), PostgreSQL read
# this through the status index too, every target of that status for each recommendation.
TARGETS_OF_STATUS = """
                SELECT count(*) FROM recommendations_target x
                WHERE x.recommendation_id = pair.recommendation_id AND x.status = pair.status
"""


def target_trigger(event: str, targets_of_status: str = TARGETS_OF_STATUS) -> tuple[str, str]:
    return statement_trigger(
        "stats_count_targets",
        "recommendations_target",
        event,
        target_body(event, targets_of_status),
    )


def target_body(event: str, targets_of_status: str) -> str:
    # An update of the columns not counted (the follow-up date, the rules' names) counts
    # nothing and locks nothing.
    rows = signed(event, TARGET_COLUMNS, counted=TARGET_COLUMNS)
    return f"""
        {recommendations_locked(rows)}
        {
        added(f'''
            SELECT c.* FROM ({rows}) changed, LATERAL stats_count_target(
                changed.id, changed.recommendation_id, changed.status, changed.state_id,
                changed.body_id, changed.response_due, changed.direction
            ) c
            UNION ALL
            SELECT 'status', pair.status,
                   ((now.count > 0)::integer - ((now.count - pair.change) > 0)::integer)::bigint,
                   0, 0, 0, 0, 0
            FROM (
                SELECT recommendation_id, status, sum(direction) AS change
                FROM ({rows}) changed GROUP BY 1, 2 HAVING sum(direction) <> 0
            ) pair,
            LATERAL ({targets_of_status}) now
        ''')
    };
    """


def response_trigger(event: str) -> tuple[str, str]:
    # A response moves its target's first answer: the addressee's answered counts as they
    # read with the first answer after the statement, less as they read before it (the
    # responses untouched by the statement and those it removed).
    new = event != "DELETE"
    old = event != "INSERT"
    untouched = "LEFT JOIN new_rows n ON n.id = x.id WHERE n.id IS NULL" if new else "WHERE true"
    removed = "UNION ALL SELECT o.target_id, o.date FROM old_rows o" if old else ""
    body = f"""
        {
        added(f'''
            WITH affected AS (
                SELECT DISTINCT target_id FROM ({signed(event, "target_id")}) changed
            ),
            now AS (
                SELECT x.id, x.target_id, x.date FROM recommendations_response x
                JOIN affected USING (target_id)
            ),
            first_after AS (SELECT target_id, min(date) AS first_answer FROM now GROUP BY 1),
            first_before AS (
                SELECT target_id, min(date) AS first_answer FROM (
                    SELECT x.target_id, x.date FROM now x {untouched}
                    {removed}
                ) responses GROUP BY 1
            )
            SELECT CASE WHEN t.state_id IS NULL THEN 'body' ELSE 'state' END,
                   coalesce(t.state_id, t.body_id)::text, 0::bigint, 0::bigint,
                   (after.answered - before.answered)::bigint,
                   (after.answered_late - before.answered_late)::bigint,
                   (after.days_late - before.days_late)::bigint, 0::bigint
            FROM affected
            JOIN recommendations_target t ON t.id = affected.target_id
            LEFT JOIN first_after fa ON fa.target_id = t.id
            LEFT JOIN first_before fb ON fb.target_id = t.id,
            LATERAL stats_count_answer(t.response_due, fa.first_answer) after,
            LATERAL stats_count_answer(t.response_due, fb.first_answer) before
        ''')
    };
    """
    return statement_trigger("stats_count_responses", "recommendations_response", event, body)


def theme_trigger(event: str) -> tuple[str, str]:
    # A theme given to or taken from a recommendation counts it and its targets.
    rows = signed(event, "recommendation_id, theme_id")
    body = f"""
        {recommendations_locked(rows)}
        {
        added(f'''
            SELECT 'theme', changed.theme_id::text, changed.direction::bigint,
                   changed.direction * (
                       SELECT count(*) FROM recommendations_target x
                       WHERE x.recommendation_id = changed.recommendation_id
                   ),
                   0, 0, 0, 0
            FROM ({rows}) changed
        ''')
    };
    """
    return statement_trigger(
        "stats_count_themes", "recommendations_recommendation_themes", event, body
    )


def each_row_counted(name: str, table: str, event: str, columns: str, call: str):
    """A trigger adding the counts `call` gives for each row of the statement: a function of
    the row's `columns` as `changed`, and of `changed.direction`."""
    body = added(f"SELECT c.* FROM ({signed(event, columns)}) changed, LATERAL {call} c")
    return statement_trigger(name, table, event, body + ";")


# A recommendation given another issuing body or date moves with its targets, row by row and
# only then: a statement-level trigger on its updates would copy every updated row, text and
# search vector included, into a transition table.
RECOMMENDATION_MOVED = f"""
CREATE FUNCTION stats_count_recommendation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    {DEFERRED}
    SELECT count(*) INTO moved FROM recommendations_target WHERE recommendation_id = NEW.id;
    {
    added('''
        SELECT * FROM stats_count_recommendation(OLD.issued_by_id, OLD.issued_on, -1, moved)
        UNION ALL
        SELECT * FROM stats_count_recommendation(NEW.issued_by_id, NEW.issued_on, 1, moved)
    ''')
};
    RETURN NULL;
END $$;
CREATE TRIGGER stats_count_recommendation_moved AFTER UPDATE ON recommendations_recommendation
FOR EACH ROW WHEN (
    OLD.issued_by_id IS DISTINCT FROM NEW.issued_by_id
    OR OLD.issued_on IS DISTINCT FROM NEW.issued_on
) EXECUTE FUNCTION stats_count_recommendation_moved();
"""
DROP_RECOMMENDATION_MOVED = """
DROP TRIGGER stats_count_recommendation_moved ON recommendations_recommendation;
DROP FUNCTION stats_count_recommendation_moved();
"""

TRIGGERS = [
    *(target_trigger(event) for event in ("INSERT", "UPDATE", "DELETE")),
    *(response_trigger(event) for event in ("INSERT", "UPDATE", "DELETE")),
    *(theme_trigger(event) for event in ("INSERT", "UPDATE", "DELETE")),
    # A recommendation's targets are counted by their own triggers as they are written.
    *(
        each_row_counted(
            "stats_count_recommendations",
            "recommendations_recommendation",
            event,
            "issued_by_id, issued_on",
            "stats_count_recommendation("
            "changed.issued_by_id, changed.issued_on, changed.direction, 0)",
        )
        for event in ("INSERT", "DELETE")
    ),
    *(
        each_row_counted(
            "stats_count_assessments",
            "recommendations_assessment",
            event,
            "scale, raw_grade, implementation",
            "stats_count_assessment("
            "changed.scale, changed.raw_grade, changed.implementation, changed.direction)",
        )
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    (RECOMMENDATION_MOVED, DROP_RECOMMENDATION_MOVED),
]


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0032_campaign_silence_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatsCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dimension", models.CharField(max_length=16, verbose_name="dimension")),
                ("key", models.CharField(blank=True, max_length=255, verbose_name="key")),
                (
                    "recommendations",
                    models.BigIntegerField(default=0, verbose_name="recommendations"),
                ),
                ("targets", models.BigIntegerField(default=0, verbose_name="targets")),
                ("answered", models.BigIntegerField(default=0, verbose_name="answered")),
                (
                    "answered_late",
                    models.BigIntegerField(default=0, verbose_name="answered late"),
                ),
                ("days_late", models.BigIntegerField(default=0, verbose_name="days late")),
                ("assessments", models.BigIntegerField(default=0, verbose_name="assessments")),
            ],
            options={
                "verbose_name": "stats count",
                "verbose_name_plural": "stats counts",
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        *(migrations.RunSQL(create, drop) for create, drop in TRIGGERS),
        migrations.RunSQL("SELECT stats_count_rebuild();", migrations.RunSQL.noop),
    ]
