"""Every write of a campaign: the campaign itself, its links, its editors' verdicts on
suggestions, its silence reviews, and the silence alerts the sweep records and sends."""

from datetime import date
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from campaigns import selectors
from campaigns.choices import SuggestionVerdict
from campaigns.models import Campaign, CampaignLink, MentionReview, SilenceAlert, SuggestionDecision
from recommendations import services as recommendation_services
from recommendations.languages import recipient_language
from recommendations.models import Recommendation
from recommendations.services import row_create, row_update


def campaign_create(*, user=None, **fields) -> Campaign:
    return row_create(model=Campaign, user=user, **fields)


def campaign_update(*, campaign: Campaign, user=None, **fields) -> Campaign:
    return row_update(row=campaign, user=user, **fields)


def campaign_delete(*, campaign: Campaign, user=None) -> None:
    _history_by(campaign, user)
    campaign.delete()


def link_create(*, user=None, **fields) -> CampaignLink:
    return row_create(model=CampaignLink, user=user, **fields)


def link_update(*, link: CampaignLink, user=None, **fields) -> CampaignLink:
    return row_update(row=link, user=user, **fields)


def link_delete(*, link: CampaignLink, user=None) -> None:
    _history_by(link, user)
    link.delete()


def mention_review_create(*, user=None, **fields) -> MentionReview:
    fields.setdefault("reviewed_by", user)
    return row_create(model=MentionReview, user=user, **fields)


def mention_review_update(*, review: MentionReview, user=None, **fields) -> MentionReview:
    return row_update(row=review, user=user, **fields)


def mention_review_delete(*, review: MentionReview, user=None) -> None:
    _history_by(review, user)
    review.delete()


def _history_by(row, user) -> None:
    """Who deleted it, for the history record the deletion writes (else the request's user,
    by simple_history's middleware)."""
    if user is not None:
        row._history_user = user


@transaction.atomic
def suggestion_accept(
    *,
    campaign: Campaign,
    recommendation: Recommendation,
    like: Recommendation | None = None,
    note: str = "",
    user=None,
) -> CampaignLink:
    """Link a suggested recommendation and remember the verdict. Suggested as like a
    linked one that came before it, and reiterating nothing yet, it is recorded as that
    one's reiteration."""
    SuggestionDecision.objects.update_or_create(
        campaign=campaign,
        recommendation=recommendation,
        defaults={"verdict": SuggestionVerdict.ACCEPTED, "decided_by": user},
    )
    link = CampaignLink.objects.filter(campaign=campaign, recommendation=recommendation).first()
    if link is None:
        try:
            with transaction.atomic():
                link = link_create(
                    campaign=campaign, recommendation=recommendation, note=note, user=user
                )
        except IntegrityError:  # accepted twice at once: the other acceptance linked it
            link = CampaignLink.objects.get(campaign=campaign, recommendation=recommendation)
    if (
        like is not None
        and recommendation.reiterates_id is None
        and like.issued_on
        and recommendation.issued_on
        and like.issued_on < recommendation.issued_on
    ):
        recommendation_services.recommendation_update(
            recommendation=recommendation, reiterates=like, user=user
        )
    return link


def suggestion_dismiss(*, campaign: Campaign, recommendation: Recommendation, user=None):
    """Never suggest it to this campaign again."""
    decision, _ = SuggestionDecision.objects.update_or_create(
        campaign=campaign,
        recommendation=recommendation,
        defaults={"verdict": SuggestionVerdict.DISMISSED, "decided_by": user},
    )
    return decision


# Silence alerts.


def _recipients(campaign: Campaign) -> list[str]:
    return sorted({user.email for user in campaign.staff.all() if user.email and user.is_active})


def silence_sweep(*, today: date | None = None) -> list[int]:
    """Record an alert for each watched actor silent past its campaign's threshold, once per
    staff member and last word; returns the ids of the alerts to send: those recorded now
    and those recorded before and never sent (the broker was down, the retries ran out)."""
    today = today or timezone.localdate()
    recorded = list(SilenceAlert.objects.filter(sent_at=None).values_list("pk", flat=True))
    campaigns = Campaign.objects.prefetch_related("staff").exclude(staff=None)
    for campaign in campaigns:
        recipients = _recipients(campaign)
        for actor in selectors.silent_actors(campaign, today=today):
            for recipient in recipients:
                alert = SilenceAlert(
                    campaign=campaign,
                    state=actor.actor if actor.kind == "state" else None,
                    body=actor.actor if actor.kind == "body" else None,
                    last_spoke=actor.last_spoke,
                    recipient=recipient,
                    silent_days=actor.silent_days(today) or 0,
                )
                try:
                    with transaction.atomic():
                        alert.save()
                except IntegrityError:
                    continue  # told already, since this last word
                recorded.append(alert.pk)
    return recorded


def silence_alert_deliver(*, alert_id: int) -> bool:
    """Send one alert unless it is sent; the row stays locked while sending, so two workers
    given the same alert send it once. A mail server's refusal is recorded on the row and
    raised, for the task to retry. Returns whether this call sent it."""
    try:
        with transaction.atomic():
            alert = (
                SilenceAlert.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("campaign", "state", "body")
                .filter(pk=alert_id, sent_at=None)
                .first()
            )
            if alert is None:
                return False
            if alert.recipient not in _recipients(alert.campaign):
                # Left the staff since the sweep: the campaign is no longer theirs to hear of.
                alert.delete()
                return False
            silence_alert_message(alert).send()
            SilenceAlert.objects.filter(pk=alert_id).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
    except (SMTPException, OSError) as error:
        SilenceAlert.objects.filter(pk=alert_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"
        )
        raise
    return True


def silence_alert_message(alert: SilenceAlert) -> EmailMultiAlternatives:
    """The alert in the recipient's language."""
    with translation.override(recipient_language(alert.recipient)):
        context = {
            "alert": alert,
            "actor": alert.actor.localized_name(),
            "campaign": alert.campaign,
            "url": f"{settings.SITE_URL}/admin/campaigns/campaign/{alert.campaign_id}/change/",
        }
        subject = " ".join(render_to_string("emails/silence-alert-subject.txt", context).split())
        body = render_to_string("emails/silence-alert-body.txt", context)
    return EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [alert.recipient])
