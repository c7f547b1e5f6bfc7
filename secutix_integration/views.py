"""The website's availability endpoint for the browser's badge refresh (C5).

It answers from the same server-side path as the pages (`get_availabilities`: SecuTix's
getProductAvailability / getPerformanceAvailability, cached, bounded wait), so a browser never
talks to the ticketshop's API and a refreshed badge cannot disagree with a rendered one.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from secutix_integration.availability import MAX_IDS, get_availabilities

KINDS = (("products", "product"), ("performances", "performance"))


class BadIds(ValueError):
    pass


def _ids(raw):
    if not raw:
        return []
    parts = raw.split(",")
    if len(parts) > MAX_IDS:
        raise BadIds(gettext("At most %(count)s ids at once.") % {"count": MAX_IDS})
    ids = []
    for part in parts:
        if not part.isdigit() or not 0 < int(part) < 2**63:
            raise BadIds(gettext("An id is a whole number, not %(value)r.") % {"value": part[:20]})
        ids.append(int(part))
    return ids


@require_GET
def availability(request):
    """?products=1,2&performances=3,4[&lang=fr] → {"availabilities": [{kind, id, indicator,
    remaining, remainingText}]}; an item not listed is unknown."""
    language = request.GET.get("lang")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            wanted = {kind: _ids(request.GET.get(param)) for param, kind in KINDS}
        except BadIds as error:
            return JsonResponse({"error": str(error)}, status=400)
        found = get_availabilities(wanted["product"], wanted["performance"])
        items = []
        for (kind, item_id), value in sorted(found.items()):
            remaining = value["remaining"] if value["indicator"] in (1, 2) else None
            items.append(
                {
                    "kind": kind,
                    "id": item_id,
                    "indicator": value["indicator"],
                    "remaining": remaining,
                    "remainingText": ngettext(
                        "%(count)s seat left", "%(count)s seats left", remaining
                    )
                    % {"count": remaining}
                    if remaining is not None
                    else None,
                }
            )
    response = JsonResponse({"availabilities": items})
    response["Cache-Control"] = "no-cache"
    return response
