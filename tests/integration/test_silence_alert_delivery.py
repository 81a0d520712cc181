"""A watched actor silent past the threshold: one e-mail, through `sweep_silence`, Redis, a
real `celery worker` and a real SMTP server, however often the sweep runs."""

import re
import subprocess
import sys
from datetime import date

import pytest

from campaigns import services
from campaigns.choices import Mention
from campaigns.models import SilenceAlert
from recommendations.choices import BodyKind, DocumentKind
from tests.factories import BodyFactory, DocumentFactory, UserFactory
from tests.integration.conftest import ROOT, WAIT

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUCCEEDED = r"Task campaigns\.tasks\.deliver_silence_alert\[.+\] succeeded in .+: True"


@pytest.fixture
def sweep_silence(service_env):
    def run(*args: str) -> int:
        result = subprocess.run(
            [sys.executable, "manage.py", "sweep_silence", *args],
            cwd=ROOT,
            env=service_env,
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return int(re.search(r"(\d+) silence alerts queued", result.stdout).group(1))

    return run


@pytest.fixture
def unhcr_silent_since_2019(transactional_db):
    unhcr = BodyFactory(acronym="UNHCR", name="UNHCR", kind=BodyKind.OFFICE)
    campaign = services.campaign_create(
        name="Let UNHCR in",
        slug="let-unhcr-in",
        goal="Grant UNHCR access to all persons of concern",
        staff=[UserFactory(username="desk")],
        watched_bodies=[unhcr],
        silence_alert_days=365,
    )
    statement = DocumentFactory(
        body=unhcr, kind=DocumentKind.STATEMENT, date=date(2019, 6, 20), title="Statement"
    )
    services.mention_review_create(campaign=campaign, document=statement, mentions=Mention.YES)
    return campaign


def test_a_silent_actor_yields_one_email_after_two_sweeps(
    unhcr_silent_since_2019, start_worker, sweep_silence, smtp_server
):
    worker = start_worker()

    queued = sweep_silence("--date", "2026-12-02") + sweep_silence("--date", "2026-12-02")
    worker.wait_for(SUCCEEDED, count=queued)

    assert queued == 1
    [message] = smtp_server.mailbox.received()
    assert message["To"] == "desk@example.org"
    assert message["Subject"] == "UNHCR has been silent on Let UNHCR in"
    assert "20 June 2019: 2722 days ago" in message.get_body(("plain",)).get_content()
    assert SilenceAlert.objects.get().sent_at is not None
