"""The digests through a real SMTP server (tests/smtp.py): the owner's, a public visitor's
after double opt-in, and the one-click unsubscribe that works from the link alone."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from recommendations.choices import Digest
from tests.factories import ReminderPreferenceFactory, UserFactory
from tests.watchlists.conftest import TODAY, at, recommend, recommend_with_private_rows
from watchlists import services
from watchlists.models import Subscription

pytestmark = pytest.mark.django_db

PRIVATE = "zzprivate"


def text_of(message) -> str:
    parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join(parts)


def link(message, path: str) -> str:
    return re.search(rf"http://testserver(/watchlists/{path}/[^/\s\"<>]+/)", text_of(message))[1]


def test_the_owner_gets_a_digest_and_unsubscribes_with_one_click(
    alice, coi, clock, sweep_and_send, smtp_settings
):
    watchlist = services.watchlist_create(owner=alice, name="China", query="state=CHN")
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi, response_due=TODAY + timedelta(days=10))

    sweep_and_send()

    (message,) = smtp_settings.mailbox.received()
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "2 updates on your watchlist “China”"
    body = text_of(message)
    assert "New recommendation: A/HRC/25/CRP.1 para 1221 (a)" in body
    assert "China: response due on 17 December 2026" in body
    assert "Addressed to: China" in body
    unsubscribe = link(message, "unsubscribe")
    # Folded as any long header; unfolded, the link in angle brackets (RFC 2369).
    assert message["List-Unsubscribe"].strip() == f"<http://testserver{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"http://testserver/watchlists/calendar/{watchlist.calendar_token}.ics" in body

    # A mail client's one-click POST (RFC 8058): no login, no cookie, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(unsubscribe).status_code == 200
    assert Subscription.objects.active().count() == 1  # GET only asks
    answer = mail_client.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert answer.status_code == 200
    assert Subscription.objects.active().count() == 0
    clock.move_to(at(TODAY + timedelta(days=1), 6))
    recommend(body=coi, text="Give UNHCR access.")
    sweep_and_send(TODAY + timedelta(days=1))
    assert smtp_settings.mailbox.received() == []


def test_a_sweep_run_twice_sends_each_event_once(alice, coi, clock, sweep_and_send, smtp_settings):
    services.watchlist_create(owner=alice, name="China", query="state=CHN")
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi)

    sweep_and_send()
    sweep_and_send(hour=8)

    assert len(smtp_settings.mailbox.received()) == 1


def test_the_digest_is_in_the_owners_language_and_weekly_if_they_chose_so(
    coi, clock, sweep_and_send, smtp_settings
):
    owner = UserFactory(username="minji")
    ReminderPreferenceFactory(user=owner, digest=Digest.WEEKLY)
    services.watchlist_create(owner=owner, name="중국", query="state=CHN", language="ko")
    tuesday = TODAY + timedelta(days=1)
    clock.move_to(at(tuesday, 6))
    recommend(body=coi)

    sweep_and_send(tuesday)
    assert smtp_settings.mailbox.received() == []
    sweep_and_send(TODAY + timedelta(days=7))  # the next Monday

    (message,) = smtp_settings.mailbox.received()
    assert message["Subject"].strip() == "관심 목록 “중국”의 새 소식 1건"
    assert "새 권고" in text_of(message)


def test_a_failing_mail_server_loses_no_event(alice, coi, clock, sweep_and_send, smtp_settings):
    services.watchlist_create(owner=alice, name="China", query="state=CHN")
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi)
    smtp_settings.mailbox.refusing = True

    sweep_and_send()

    subscription = Subscription.objects.get()
    assert subscription.emailed_up_to == 0
    assert "451" in subscription.last_error
    smtp_settings.mailbox.refusing = False
    sweep_and_send(TODAY + timedelta(days=1))
    assert len(smtp_settings.mailbox.received()) == 1
    assert Subscription.objects.get().last_error == ""


def test_a_visitor_subscribes_with_double_opt_in_and_sees_only_public_data(
    coi, clock, sweep_and_send, smtp_settings, celery_eager, django_capture_on_commit_callbacks
):
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        form = visitor.get("/search/?state=CHN")
        assert b'action="/watchlists/watch/"' in form.content
        answer = visitor.post(
            "/watchlists/watch/", {"query": "state=CHN&page=3", "email": "Visitor@Example.net"}
        )
    assert answer.status_code == 200
    (confirmation,) = smtp_settings.mailbox.received()
    assert confirmation["To"] == "visitor@example.net"
    confirm = link(confirmation, "confirm")

    # Asking again soon sends nothing more; nothing is sent before the confirmation.
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("/watchlists/watch/", {"query": "state=CHN", "email": "visitor@example.net"})
    assert smtp_settings.mailbox.received() == []
    assert visitor.get(confirm).status_code == 200
    assert Subscription.objects.active().count() == 0
    assert visitor.post(confirm[:-3] + "xx/").status_code == 404
    assert visitor.post(confirm).status_code == 200
    assert Subscription.objects.active().get().email == "visitor@example.net"

    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend_with_private_rows(coi)
    sweep_and_send()

    (digest,) = smtp_settings.mailbox.received()
    assert digest["To"] == "visitor@example.net"
    assert "New recommendation: para 1221 (a)" in text_of(digest)
    assert "responded on 7 December 2026: Noted" in text_of(digest)
    assert PRIVATE not in digest.as_string().lower()


def test_a_visitor_without_an_address_or_with_a_bad_search_is_told_why(db):
    visitor = Client()

    no_address = visitor.post("/watchlists/watch/", {"query": "state=CHN"})
    bad_search = visitor.post("/watchlists/watch/", {"query": "state=XXX", "email": "a@b.net"})

    assert no_address.status_code == 400
    assert b"Give the address to send the e-mails to." in no_address.content
    assert bad_search.status_code == 400
    assert b"No state with the code XXX." in bad_search.content
    assert not Subscription.objects.exists()


def test_a_signed_in_user_saves_the_search_as_their_watchlist(alice, client):
    client.force_login(alice)

    answer = client.post("/watchlists/watch/", {"query": "state=CHN", "name": "China"})

    assert answer.status_code == 201
    assert alice.watchlists.get().name == "China"
    assert b"/watchlists/calendar/" in answer.content
