"""Every URL of the urlconf, as anonymous, a staff user outside the Editors group, and an
editor: who may read, who may write, and what never reaches an anonymous client.

The walk is built from the resolver itself, so a URL added later is walked too (or the test
that checks coverage fails until it is).
"""

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from campaigns import services as campaign_services
from campaigns.models import Campaign
from recommendations import services
from recommendations.models import (
    Assessment,
    Body,
    Document,
    ImportJob,
    Organization,
    Recommendation,
    Response,
    State,
    Target,
    Theme,
)
from tests.factories import EditorFactory, UserFactory
from watchlists import links as watchlist_links
from watchlists import services as watchlist_services
from watchlists import webhooks
from watchlists.models import Subscription, Watchlist, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff_non_editor", "editor"]
STAFF_ONLY_KEYS = (
    "owner",
    "watchers",
    "author",
    "email",
    "internal_note",
    "contact_name",
    "contact_email",
)
# Every private value the world holds carries it: found in an anonymous answer, it leaked.
PRIVATE = "zzprivate"


def every_route(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


@pytest.fixture
def world():
    call_command("load_demo")
    target = Target.objects.filter(state__code="CHN").first()
    services.response_create(target=target, position="rejected", date=date(2014, 3, 17))
    services.assessment_create(
        target=target, implementation="not_implemented", assessed_on=date(2023, 8, 11)
    )
    owner = UserFactory(username="owner", email="owner@example.org", is_staff=True)
    recommendation = target.recommendation
    recommendation.owner = owner
    recommendation.save()
    recommendation.watchers.add(owner)
    ImportJob.objects.create(file_name="empty.csv", content=b"", format="csv")
    Token.objects.create(user=owner)
    watchlists = watched_by_owner_and_public(owner)
    private = private_rows(target, owner)
    services.target_update(
        target=private["demand"].targets.get(), response_due=date.today() + timedelta(days=10)
    )
    watchlist_services.watchlists_sweep()
    return {"target": target, "recommendation": recommendation, **private, **watchlists}


def watched_by_owner_and_public(owner) -> dict:
    """Watchlists on China, the owner's and a public visitor's (confirmed), made before the
    private rows are written: the sweep then reports those rows to both."""
    mine = watchlist_services.watchlist_create(owner=owner, name="China", query="state=CHN")
    webhooks.endpoint_create(watchlist=mine, url="https://hooks.example.net/tracker")
    subscription = watchlist_services.subscription_request(
        resource="recommendations", query="state=CHN", email="visitor@example.net", language="en"
    )
    watchlist_services.subscription_confirm(subscription_id=subscription.pk)
    Watchlist.objects.update(checked_up_to=timezone.now() - timedelta(minutes=1))
    return {"watchlist": mine, "public_watchlist": subscription.watchlist}


def private_rows(target, owner) -> dict:
    """What only staff may read, on the rows the public pages show: an internal note, an
    organisation's contact, a private letter that records a demand and an answer, and an
    assessment whose source is private while its grade is public."""
    services.recommendation_update(
        recommendation=target.recommendation, internal_note=f"{PRIVATE} note on the lead"
    )
    watch = Organization.objects.create(
        name="Zz Watch", contact_name=f"{PRIVATE} contact", contact_email=f"{PRIVATE}@ngo.test"
    )
    letter = Document.objects.create(
        title=f"{PRIVATE} letter",
        symbol=f"{PRIVATE.upper()}/1",
        kind="letter",
        url=f"https://{PRIVATE}.example.net/letter",
        public=False,
    )
    demand = services.recommendation_create(
        text="Publish the deportation figures.",
        document=letter,
        paragraph="3",
        organizations=[watch],
    )
    demanded = services.target_create(recommendation=demand, state=State.objects.get(code="CHN"))
    services.response_create(
        target=target, position="noted", date=date(2015, 1, 9), document=letter
    )
    services.assessment_create(
        target=demanded,
        implementation="not_implemented",
        assessed_on=date(2024, 5, 2),
        source_url=f"https://{PRIVATE}-witness.example.net/",
        source_public=False,
    )
    campaign = Campaign.objects.get(slug="stop-forced-repatriation")
    campaign_services.link_create(campaign=campaign, recommendation=demand, user=owner)
    return {"letter": letter, "demand": demand}


def object_id(model) -> str:
    row = model.objects.order_by("pk").first()
    return str(row.pk) if row else "0"


def concrete(route: str) -> str | None:
    """A URL to request for a route, with its parameters filled from the world's rows."""
    route = route.replace("^", "").replace("$", "")
    if route == "admin/autocomplete/":
        return (
            "/admin/autocomplete/?app_label=recommendations&model_name=recommendation"
            "&field_name=document&term=A"
        )
    if route.startswith("admin/") and "(?P<url>" in route:
        return "/admin/no-such-page/"
    if "(?P<app_label>" in route:
        return "/admin/recommendations/"
    if route.startswith("admin/r/"):
        content_type = ContentType.objects.get_for_model(Recommendation)
        return f"/admin/r/{content_type.pk}/{object_id(Recommendation)}/"
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)
    if admin_model and re.search(r"<path:object_id>|<int:job_id>|<id>|\(\[/\]\+\)", route):
        model = apps.get_model(admin_model.group(1), admin_model.group(2))
        row = model.objects.order_by("pk").first()
        pk = str(row.pk) if row else "0"
        for parameter in ("<path:object_id>", "<int:job_id>", "<id>"):
            route = route.replace(parameter, pk)
        if "/history/([/]+)" in route:  # simple_history's view of one past version
            version = row.history.order_by("pk").first().pk if row else 0
            route = route.replace("([/]+)/history/([/]+)", f"{pk}/history/{version}")
    if route.startswith("watchlists/") and "<str:token>" in route:
        return watchlist_url(route)
    campaign = "stop-forced-repatriation"  # the demo's campaign: public
    if route.startswith("campaigns/"):
        return "/" + route.replace("<slug:slug>", campaign)
    public = {
        "recommendations/<int:pk>/": lambda: object_id(Recommendation),
        "documents/<int:pk>/": lambda: object_id(apps.get_model("recommendations", "Document")),
        "states/<slug:code>/": lambda: "CHN",
        "bodies/<path:acronym>/": lambda: "UNHCR",
        "charts/<slug:kind>.svg": lambda: "addressee",
        "embed/charts/<slug:kind>/": lambda: "addressee",
    }
    if route in public:
        return "/" + re.sub(r"<[^>]+>", public[route](), route)
    if route.startswith("admin/campaigns/campaign/<int:campaign_id>/suggestions/"):
        recommendation = Recommendation.objects.order_by("pk").first().pk
        return "/" + route.replace("<int:campaign_id>", object_id(Campaign)).replace(
            "<int:recommendation_id>", str(recommendation)
        ).replace("<str:verdict>", "dismissed")
    values = {
        "pk": lambda: object_id(_api_model(route)),
        "acronym": lambda: "UNHCR",
        "code": lambda: "CHN",
        "slug": lambda: campaign if route.startswith("api/campaigns/") else "non-refoulement",
        "format": lambda: "json",
        "number": lambda: "45",
    }
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)](), route)
    route = route.replace("\\.", ".").replace("/?", "/")
    return "/" + route


def watchlist_url(route: str) -> str:
    """The links a public visitor's subscription gets: confirm, unsubscribe, its feed."""
    subscription = Subscription.objects.filter(user=None).order_by("pk").first()
    if subscription is None:
        return "/" + route.replace("<str:token>", "none")
    url = {
        "watchlists/confirm/": watchlist_links.confirm_url,
        "watchlists/unsubscribe/": watchlist_links.unsubscribe_url,
    }.get(route.split("<")[0])
    if url is None:
        return watchlist_links.calendar_url(subscription.watchlist).removeprefix(
            "http://testserver"
        )
    return url(subscription).removeprefix("http://testserver")


def _api_model(route: str):
    resource = route.split("/")[1]
    return {
        "recommendations": Recommendation,
        "targets": Target,
        "responses": Response,
        "assessments": Assessment,
        "documents": apps.get_model("recommendations", "Document"),
        "organizations": apps.get_model("recommendations", "Organization"),
        "bodies": Body,
        "states": State,
        "themes": Theme,
        "grade-mappings": apps.get_model("recommendations", "GradeMapping"),
        "events": apps.get_model("recommendations", "Event"),
        "watchlists": Watchlist,
        "webhooks": WebhookEndpoint,
    }[resource]


def client_for(role: str) -> Client:
    client = Client()
    if role == "editor":
        client.force_login(EditorFactory(username="walker-editor"))
    elif role == "staff_non_editor":
        client.force_login(UserFactory(username="walker-staff", is_staff=True))
    return client, client.session.get("_auth_user_id")


def user_of(client_and_id):
    from django.contrib.auth.models import User

    _, user_id = client_and_id
    return User.objects.get(pk=user_id) if user_id else None


# Pages the admin refuses to everyone, whatever the permissions, and why.
REFUSED_TO_ALL = {
    r"/admin/recommendations/reminder/add/": "reminders are recorded by the sweep, never typed",
    r"/admin/recommendations/importjob/\d+/confirm/": "a confirmation is a POST from the preview",
    r"/admin/watchlists/watchlistevent/add/": "watchlist events are recorded by the sweep",
    r"/admin/watchlists/watchlistevent/\d+/delete/": "a delivery log will point at them",
    r"/admin/watchlists/webhookdelivery/add/": "deliveries are queued by the sweep",
    r"/admin/watchlists/webhookdelivery/\d+/delete/": "the delivery log is kept",
}

ADMIN_ACTIONS = {
    "add": "add",
    "delete": "delete",
    "history": "view",
    "change": "view",
    "password": "change",
}


def admin_permission(url: str) -> str | None:
    """The permission an admin URL needs, or None for pages every staff user may open."""
    if url.startswith("/admin/autocomplete/"):
        return "recommendations.view_document"
    if url.startswith("/admin/recommendations/reminderpreference/") and "/delete/" not in url:
        return None  # every staff user keeps their own reminder preference
    if url.startswith(
        tuple(
            f"/admin/watchlists/{model}/"
            for model in ("watchlist", "watchlistevent", "webhookendpoint", "webhookdelivery")
        )
    ):
        return None  # every staff user keeps their own watchlists; others' are not found
    if re.fullmatch(r"/admin/\w+/\w+/\d+/", url):
        return None  # the old form of a change URL: a redirect to it, for anyone on staff
    match = re.match(r"/admin/(\w+)/(\w+)/(?:(\w+|\d+)/)?(?:(\w+)/)?", url)
    if not match:
        return None
    app_label, model_name, first, second = match.groups()
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return None
    action = second or first or "changelist"
    if action.isdigit() or action in {"change", "changelist"}:
        return f"{app_label}.view_{model_name}|{app_label}.change_{model_name}"
    if action == "confirm":
        return f"{app_label}.add_{model_name}"
    return f"{app_label}.{ADMIN_ACTIONS.get(action, 'view')}_{model_name}"


def may(user, permission: str) -> bool:
    return any(user.has_perm(p) for p in permission.split("|"))


def test_every_route_is_walked(world):
    urls = [concrete(route) for route in every_route()]
    assert all(urls)
    assert len(urls) > 150


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_each_role_by_its_permissions(world, role):
    client_and_id = client_for(role)
    client, _ = client_and_id
    user = user_of(client_and_id)
    wrong = []
    for route in every_route():
        url = concrete(route)
        if not url.startswith("/admin/") or url.startswith(("/admin/login/", "/admin/logout/")):
            continue
        response = client.get(url)
        to_login = response.status_code == 302 and "/admin/login/" in response["Location"]
        if user is None:
            ok = to_login
        else:
            permission = admin_permission(url)
            refused = any(re.fullmatch(pattern, url) for pattern in REFUSED_TO_ALL)
            allowed = not refused and (permission is None or may(user, permission))
            # A missing row (id 0: that model has none here) redirects before any check.
            denied = (403, 302) if "/0/" in url else (403,)
            ok = response.status_code in ((200, 302, 404) if allowed else denied)
            ok = ok and not to_login
        if not ok:
            wrong.append((url, response.status_code))
    assert wrong == [], wrong


def test_an_editor_may_view_the_domain_but_never_delete(world):
    editor = EditorFactory(username="walker-editor")
    for model in ["recommendation", "target", "response", "assessment", "document", "body"]:
        assert editor.has_perm(f"recommendations.change_{model}")
        assert not editor.has_perm(f"recommendations.delete_{model}")
    client = Client()
    client.force_login(editor)
    pk = world["recommendation"].pk
    assert client.get(f"/admin/recommendations/recommendation/{pk}/delete/").status_code == 403
    assert client.get("/admin/django_celery_beat/periodictask/add/").status_code == 403
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_api_reads_for_everyone_and_writes_for_editors_only(world, role):
    client, _ = client_for(role)
    wrong = []
    for route in every_route():
        url = concrete(route)
        if not url.startswith("/api/"):
            continue
        if url.startswith(("/api/watchlists/", "/api/webhooks/")):
            wrong += owner_only_answers(client, role, url)
            continue
        read = client.get(url)
        if read.status_code != 200:
            wrong.append(("GET", url, read.status_code))
        if role == "anonymous" and read["Content-Type"].startswith("application/json"):
            body = read.content.decode()
            leaked = [key for key in STAFF_ONLY_KEYS if f'"{key}"' in body]
            if leaked or "@example.org" in body:
                wrong.append(("leak", url, leaked))
        if url == "/api/" or url.endswith(
            ("/schema/", "/docs/", "/redoc/", "/stats/", "/status/", ".json")
        ):
            continue
        is_detail = url.rstrip("/").split("/")[-1] not in {
            "recommendations", "targets", "responses", "assessments", "documents",
            "organizations", "bodies", "states", "themes", "upr-sessions", "grade-mappings",
            "events", "campaigns",
        }  # fmt: skip
        method, delete = ("patch", True) if is_detail else ("post", False)
        # A read-only endpoint (the UPR calendar, its events, the grade mappings) takes no
        # write from anyone: 405 whoever asks, as its Allow header says.
        allowed = {name.strip() for name in read.get("Allow", "").split(",")}
        write = getattr(client, method)(url, {}, content_type="application/json")
        expected = {"anonymous": {401}, "staff_non_editor": {403}, "editor": {200, 201, 400, 405}}
        if write.status_code not in (expected[role] if method.upper() in allowed else {405}):
            wrong.append((method.upper(), url, write.status_code))
        if delete:
            gone = client.delete(url)
            refused = {401} if role == "anonymous" else {403, 405}
            if gone.status_code not in (refused if "DELETE" in allowed else {405}):
                wrong.append(("DELETE", url, gone.status_code))
    assert wrong == []


def owner_only_answers(client, role: str, url: str) -> list:
    """/api/watchlists/ and /api/webhooks/: a 401 for anonymous clients; for a user, their
    own list and, for the watchlist or endpoint of another user (the owner's, here), a 404
    whatever the method."""
    wrong = []
    if url in ("/api/watchlists/", "/api/webhooks/"):
        expected = {"get": 200, "post": 400}
    elif url.endswith(("/calendar-token/", "/secret/")):
        expected = {"post": 404}
    elif url.endswith("/events/"):
        expected = {"get": 404}
    else:
        expected = {"get": 404, "patch": 404, "delete": 404}
    if role == "anonymous":
        expected = dict.fromkeys(expected, 401)
    for method, status in expected.items():
        answer = getattr(client, method)(url, {}, content_type="application/json")
        if answer.status_code != status:
            wrong.append((method.upper(), url, answer.status_code))
    return wrong


PUBLIC_PAGES = (
    "/",
    "/search/",
    "/recommendations/",
    "/states/",
    "/bodies/",
    "/documents/",
    "/campaigns/",
    "/charts/",
    "/embed/",
    "/watchlists/",
)


@pytest.mark.parametrize("role", ROLES)
def test_the_public_pages_answer_everyone_and_show_nothing_staff_only(world, role):
    client, _ = client_for(role)
    wrong = []
    for route in every_route():
        url = concrete(route)
        if not (url == "/" or url.startswith(PUBLIC_PAGES[1:])):
            continue
        response = client.get(url)
        if response.status_code != 200:
            wrong.append((url, response.status_code))
        if role == "anonymous" and b"@example.org" in response.content:
            wrong.append(("leak", url))
    assert wrong == []


def readable_text(response) -> str:
    """What a client reads in an answer: a Word file or a workbook unzipped."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace").lower()


def anonymous_urls(world) -> list[str]:
    """Every URL an anonymous client may read, the exports and the private rows' own too."""
    urls = [
        concrete(route)
        for route in every_route()
        if not concrete(route).startswith(("/admin/", "/i18n/"))
    ]
    letter, demand = world["letter"].pk, world["demand"].pk
    return [
        *urls,
        f"/recommendations/{demand}/",
        f"/documents/{letter}/",
        f"/api/documents/{letter}/",
        f"/api/recommendations/{demand}/",
        "/api/targets/?format=csv",
        "/api/targets/?format=xlsx",
        "/api/recommendations/?format=csv",
        "/api/responses/",
        "/api/assessments/",
        "/api/organizations/",
        "/search/?q=deportation",
        "/campaigns/stop-forced-repatriation/brief.docx",
        "/api/campaigns/stop-forced-repatriation/brief/",
        "/watchlists/watch/?state=CHN",
        # The owner's feed, at its secret address: public fields only, like the visitor's.
        watchlist_links.calendar_url(world["watchlist"]).removeprefix("http://testserver"),
    ]


def test_no_private_field_or_row_reaches_an_anonymous_client(world):
    client = Client()
    leaked = []
    for url in anonymous_urls(world):
        response = client.get(url)
        if PRIVATE in readable_text(response):
            leaked.append(url)

    assert leaked == []
    # The watchlists' feeds were walked with the private letter's demand in them.
    feed = client.get(watchlist_url("watchlists/calendar/<str:token>.ics")).content.decode()
    assert "Response due: China — para 3" in feed
    assert client.get(f"/documents/{world['letter'].pk}/").status_code == 404
    assert client.get(f"/api/documents/{world['letter'].pk}/").status_code == 404
    # What the private letter records stays public: the demand and its status.
    demand = client.get(f"/api/recommendations/{world['demand'].pk}/").json()
    assert demand["document"] is None
    assert demand["targets"][0]["status"] == "not_implemented"


def test_no_private_field_reaches_a_webhook_of_the_owner(world):
    """The owner's endpoint had the private letter's demand queued: its bodies, as posted,
    hold public fields only."""
    deliveries = WebhookDelivery.objects.filter(endpoint__watchlist=world["watchlist"])
    bodies = [webhooks.body(delivery.event) for delivery in deliveries.select_related("event")]

    assert any('"paragraph": "3"' in body for body in bodies)
    assert [body for body in bodies if PRIVATE in body.lower()] == []


def test_staff_read_the_private_fields_and_rows(world):
    client, _ = client_for("editor")

    demand = client.get(f"/api/recommendations/{world['demand'].pk}/").json()
    lead = client.get(f"/api/recommendations/{world['recommendation'].pk}/").json()
    export = readable_text(client.get("/api/targets/?format=csv"))

    assert demand["document"]["title"] == f"{PRIVATE} letter"
    assert lead["internal_note"] == f"{PRIVATE} note on the lead"
    assert f"{PRIVATE}/1" in export
    assert client.get(f"/api/documents/{world['letter'].pk}/").status_code == 200


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
@pytest.mark.parametrize("role", ROLES)
def test_health_answers_everyone_and_shows_nothing_secret(world, role, url, settings):
    client, _ = client_for(role)

    response = client.get(url)

    assert response.status_code == 200
    assert set(json.loads(response.content)) <= {"status", "components"}
    assert settings.SECRET_KEY not in response.content.decode()


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(EditorFactory(username="walker-editor"))

    api = client.post(
        "/api/themes/", {"slug": "csrf", "name": "CSRF"}, content_type="application/json"
    )
    admin = client.post("/admin/recommendations/theme/add/", {"slug": "csrf", "name": "CSRF"})

    assert api.status_code == 403
    assert "CSRF" in api.json()["detail"]
    assert admin.status_code == 403
    assert not Theme.objects.filter(slug="csrf").exists()
