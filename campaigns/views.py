"""The campaign's public page, and its brief as a printable page and as a Word file: for
whoever may see the campaign (Campaign.objects.visible_to), a 404 for everyone else."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from campaigns import selectors
from campaigns.brief import brief_content, brief_docx, campaign_content
from campaigns.models import Campaign
from campaigns.tasks import upr_counts_recount
from recommendations.api.permissions import may_read
from website.caching import public_page
from website.tasks import queue_count

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def visible_campaign(request, slug: str) -> Campaign:
    if not may_read(request):
        raise PermissionDenied
    return get_object_or_404(Campaign.objects.visible_to(request.user), slug=slug)


@public_page
def campaign_page(request, slug: str):
    campaign = visible_campaign(request, slug)
    # The silence table's UPR counts read every UPR recommendation of the campaign's states:
    # after a write, the last ones, said so, while the worker counts them again.
    upr = selectors.campaign_upr_counts(
        campaign, lambda version: queue_count(upr_counts_recount, campaign.pk, version)
    )
    if not upr.current:
        request.counted_before_last_write = True
    content = campaign_content(campaign, request.user, upr.value)
    return render(
        request,
        "campaigns/campaign.html",
        {
            **content,
            "silence_counted": upr,
            "timeline": selectors.campaign_timeline(campaign, content["links"]),
            "upcoming": selectors.campaign_calendar(campaign),
        },
    )


@public_page
def brief_page(request, slug: str):
    campaign = visible_campaign(request, slug)
    return render(request, "campaigns/brief.html", brief_content(campaign, request.user))


def brief_download(request, slug: str):
    return docx_response(visible_campaign(request, slug), request.user)


def docx_response(campaign: Campaign, reader) -> HttpResponse:
    response = HttpResponse(brief_docx(campaign, reader), content_type=DOCX_CONTENT_TYPE)
    name = f"brief-{campaign.slug}-{timezone.localdate().isoformat()}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
