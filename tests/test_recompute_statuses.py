from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command

from recommendations import services
from recommendations.choices import TargetStatus
from recommendations.models import Target
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def test_check_exits_1_after_a_raw_update_and_0_after_a_recompute(capsys):
    target = TargetFactory()
    services.response_create(target=target, position="supported", date=date(2019, 3, 1))
    Target.objects.filter(pk=target.pk).update(status=TargetStatus.REJECTED)

    with pytest.raises(CommandError, match="1 target statuses differ") as error:
        call_command("recompute_statuses", "--check")
    assert error.value.returncode == 1
    target.refresh_from_db()
    assert target.status == TargetStatus.REJECTED  # --check changed nothing

    call_command("recompute_statuses")
    assert "1 target statuses changed" in capsys.readouterr().out
    call_command("recompute_statuses", "--check")

    target.refresh_from_db()
    assert target.status == TargetStatus.SUPPORTED


def test_recompute_marks_targets_overdue_as_the_due_date_passes():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        target = TargetFactory(response_due=date(2026, 11, 30))
        services.target_refresh_status(target=target)
    on_time = TargetFactory(response_due=date(2026, 12, 31))

    with time_machine.travel(date(2026, 12, 1), tick=False):
        changed = services.target_statuses_recompute()

    target.refresh_from_db()
    on_time.refresh_from_db()
    assert changed == 1
    assert target.status == TargetStatus.RESPONSE_OVERDUE
    assert on_time.status == TargetStatus.AWAITING_RESPONSE
    assert target.history.latest().history_change_reason == "Status recomputed"


def test_recompute_uses_a_constant_number_of_queries_to_find_drift(django_assert_max_num_queries):
    TargetFactory.create_batch(30)

    with django_assert_max_num_queries(2):
        drift = services.target_status_drift(today=date(2026, 11, 23))

    assert drift == {}


def test_a_recompute_limited_to_some_targets_leaves_the_others_alone():
    imported, other = TargetFactory.create_batch(2)
    Target.objects.update(status=TargetStatus.REJECTED)

    changed = services.target_statuses_recompute(
        targets=Target.objects.filter(pk=imported.pk), change_reason="Imported from a.csv"
    )

    imported.refresh_from_db()
    other.refresh_from_db()
    assert changed == 1
    assert imported.status == TargetStatus.AWAITING_RESPONSE
    assert other.status == TargetStatus.REJECTED
    assert imported.history.latest().history_change_reason == "Imported from a.csv"


def test_initializing_new_targets_sets_their_status_and_their_creation_history():
    target = TargetFactory(response_due=date(2020, 1, 1))
    services.response_create(target=target, position="noted", date=date(2020, 3, 1))
    # A bulk import writes targets before their responses: the stored status lags.
    Target.objects.filter(pk=target.pk).update(status=TargetStatus.AWAITING_RESPONSE)
    target.history.filter(history_type="~").delete()

    services.targets_initialize(targets=Target.objects.filter(pk=target.pk))

    target.refresh_from_db()
    assert target.status == TargetStatus.NOTED
    assert list(target.history.values_list("history_type", "status")) == [("+", "noted")]
