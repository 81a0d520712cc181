import io

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db


def test_the_format_is_recognised_from_the_contents_whatever_the_file_is_called(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]]))
    out = io.StringIO()

    call_command("import_recommendations", str(path), stdout=out)

    assert out.getvalue().startswith("export.txt (upr-info)")
    assert Recommendation.objects.count() == 1


def test_a_file_in_no_known_format_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"name,age\nAda,36\n")

    with pytest.raises(CommandError, match="unknown format"):
        call_command("import_recommendations", str(path), stdout=io.StringIO())


def test_a_named_format_that_does_not_fit_the_file_is_refused(tmp_path):
    path = tmp_path / "upr.csv"
    path.write_bytes(upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]]))

    with pytest.raises(CommandError, match="not a Word"):
        call_command(
            "import_recommendations", str(path), "--format=ohchr-matrix", stdout=io.StringIO()
        )


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_recommendations", str(tmp_path / "nowhere.csv"))


def test_no_progress_bar_is_drawn_when_the_output_is_not_a_terminal(tmp_path, capsys):
    path = tmp_path / "upr.csv"
    path.write_bytes(upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]]))

    call_command("import_recommendations", str(path))

    captured = capsys.readouterr()
    assert "rows read: 1" in captured.out
    assert "Importing" not in captured.err
