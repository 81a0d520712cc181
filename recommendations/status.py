"""The status rule: one word per target, from its latest assessment, latest response and due date.

Pure: it is given the latest rows' values and today's date, so the admin, the API, the
importers and the nightly recompute all derive the same word. "Latest" means the latest
date, and on one date the later-created row (the higher primary key): see
`Target.latest_response()` and the recompute's subqueries, which order the same way.
"""

from datetime import date

from recommendations.choices import Implementation, TargetStatus


def derive_status(
    *,
    implementation: str | None,
    position: str | None,
    response_due: date | None,
    today: date,
) -> TargetStatus:
    if implementation and implementation != Implementation.UNKNOWN:
        return TargetStatus(implementation)
    if position:
        return TargetStatus(position)
    if response_due and response_due < today:
        return TargetStatus.RESPONSE_OVERDUE
    return TargetStatus.AWAITING_RESPONSE
