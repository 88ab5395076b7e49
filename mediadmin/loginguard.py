"""django-axes glue: the client's address as the project sees it, and the lockout page.

Failed logins are counted per user name *and* address (AXES_LOCKOUT_PARAMETERS), so a
guessing attacker locks only that pair, never the real user at another address.
"""
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse


def client_ip(request) -> str:
    """The client's address: the one nginx appended to X-Forwarded-For behind the proxy, else the peer.

    Only the right-most entry is trusted: nginx's `$proxy_add_x_forwarded_for` appends the
    address it saw, while anything to its left came from the client and may be forged.
    Without DJANGO_BEHIND_PROXY the header is ignored entirely.
    """
    if settings.MEDIADMIN_BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in the admin's look saying why and for how long, status 429."""
    context = {
        **admin.site.each_context(request),
        "title": "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    # Returned by a middleware after the view: nothing later would render it.
    return response.render()
