"""The language a person reads the tracker in, and their e-mails.

On a page: a signed-in user's preferred language (ReminderPreference.language), else the
language switcher's cookie, else the browser's Accept-Language. LocaleMiddleware picks from
the last two before anybody is signed in; `PreferredLanguageMiddleware`, after
authentication, puts the preference first. The preference is read once, at sign-in, and
kept in the session, so a page costs no query for it; choosing a language in the switcher,
or in one's own preferences, changes both.

In an e-mail: the recipient's preference; English for a listed address with no user.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import translation
from django.views.i18n import set_language

from recommendations import services
from recommendations.models import ReminderPreference

SESSION_KEY = "preferred_language"


def recipient_language(email: str) -> str:
    """The language `email`'s reminders are written in: the preference of the user with
    that address, else the site's default (English)."""
    language = (
        ReminderPreference.objects.filter(user__email__iexact=email)
        .exclude(language="")
        .order_by("pk")
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


def preferred_language_remember(request: HttpRequest, language: str) -> None:
    """Keep the signed-in user's preference in their session ("" if they have none)."""
    request.session[SESSION_KEY] = language


def _remember_on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    language = (
        ReminderPreference.objects.filter(user=user).values_list("language", flat=True).first()
    )
    preferred_language_remember(request, language or "")


def connect_signals() -> None:
    user_logged_in.connect(_remember_on_login, dispatch_uid="preferred_language_on_login")


class PreferredLanguageMiddleware:
    """After AuthenticationMiddleware: the signed-in user's preferred language overrides the
    cookie's or the browser's, for this request and LocaleMiddleware's response headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no preference: the session is not even loaded.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            language = request.session.get(SESSION_KEY)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def language_set(request: HttpRequest):
    """Django's set_language (the cookie, and the redirect back), which also stores a
    signed-in staff member's choice as their preference, so the switcher is obeyed."""
    response = set_language(request)
    language = request.POST.get("language", "")
    is_known = language in dict(settings.LANGUAGES)
    if request.method == "POST" and is_known and request.user.is_authenticated:
        if request.user.is_staff:
            services.preference_language_set(user=request.user, language=language)
            preferred_language_remember(request, language)
    return response
