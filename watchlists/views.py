"""The watchlists' public pages: "Watch this search" (a signed-in user saves a watchlist; a
visitor subscribes by e-mail, double opt-in), the confirmation and unsubscribe links of the
e-mails, and the calendar feed. A link's signed token, or the feed's secret token, is the
only proof they ask for: no login."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from watchlists import calendar, links, selectors, services
from watchlists.choices import Resource
from watchlists.models import Watchlist
from website.caching import public_page


class WatchForm(forms.Form):
    query = forms.CharField(max_length=2000, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Your e-mail address"), required=False)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


# The public site's gate: readable while may_read(), and anonymous visitors throttled, so a
# visitor cannot send confirmation e-mails to address after address.
@require_http_methods(["GET", "POST"])
@public_page
def watch(request):
    if request.method == "GET":
        form = WatchForm(initial={"query": selectors.canonical_query(request.GET.urlencode())})
        return render(request, "watchlists/watch.html", {"form": form})
    form = WatchForm(request.POST)
    if form.is_valid():
        try:
            return _watch_saved(request, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
    return render(request, "watchlists/watch.html", {"form": form}, status=400)


def _watch_saved(request, data: dict):
    language = request.LANGUAGE_CODE
    query = data["query"]
    if request.user.is_authenticated:
        watchlist = services.watchlist_create(
            owner=request.user,
            user=request.user,
            name=data["name"] or gettext("Search: %(query)s") % {"query": query},
            resource=Resource.RECOMMENDATIONS,
            query=query,
            language=language,
            subscribed=bool(request.user.email),
        )
        context = {"watchlist": watchlist, "calendar_url": links.calendar_url(watchlist)}
        return render(request, "watchlists/saved.html", context, status=201)
    if not data["email"]:
        raise ValidationError({"email": gettext("Give the address to send the e-mails to.")})
    services.subscription_request(
        resource=Resource.RECOMMENDATIONS, query=query, email=data["email"], language=language
    )
    return render(request, "watchlists/requested.html", {"email": data["email"]})


def _invalid_link(request):
    return render(request, "watchlists/invalid-link.html", status=404)


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    subscription_id = links.confirm_token_subscription_id(token)
    if subscription_id is None:
        return _invalid_link(request)
    if request.method == "GET":
        return render(request, "watchlists/confirm.html")
    subscription = services.subscription_confirm(subscription_id=subscription_id)
    if subscription is None:
        return _invalid_link(request)
    context = {
        "watchlist": subscription.watchlist,
        "calendar_url": links.calendar_url(subscription.watchlist),
        "unsubscribe_url": links.unsubscribe_url(subscription),
    }
    return render(request, "watchlists/confirmed.html", context)


# A mail client's one-click unsubscribe (RFC 8058) POSTs here from outside the site, with no
# CSRF token: the signed link is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    subscription_id = links.unsubscribe_token_subscription_id(token)
    if subscription_id is None:
        return _invalid_link(request)
    if request.method == "GET":
        return render(request, "watchlists/unsubscribe.html")
    subscription = services.subscription_unsubscribe(subscription_id=subscription_id)
    if subscription is None:
        return _invalid_link(request)
    return render(request, "watchlists/unsubscribed.html", {"watchlist": subscription.watchlist})


@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, token: str):
    watchlist = get_object_or_404(Watchlist, calendar_token=token)
    entries = list(selectors.feed_entries(watchlist, today=timezone.localdate()))
    response = HttpResponse(
        calendar.feed(watchlist, entries), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="watchlist-{watchlist.pk}.ics"'
    # The address is the secret: keep it out of search engines, shared caches and referrers.
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, max-age=3600"
    response["Referrer-Policy"] = "no-referrer"
    return response
