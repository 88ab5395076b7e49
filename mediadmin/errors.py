"""Error pages: a request Django refuses before any view runs gets a page that says why and what to do."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def bad_request_reason(exception) -> str:
    """A sentence for the user about why Django refused the request, naming the limit it hit."""
    if isinstance(exception, TooManyFilesSent):
        return _(
            "This submission held more than %(n)d files, the most one form may send. Nothing was stored. "
            "Send the files in smaller groups, or drop them on the page's upload area: with JavaScript on, "
            "each file is sent on its own and there is no limit on how many."
        ) % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    if isinstance(exception, TooManyFieldsSent):
        return _(
            "This submission held more than %(n)d fields, the most one form may send. Nothing was saved. "
            "A product with very many files can have them edited on the Documents and Gallery images "
            "pages of the admin; the operator can raise DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS."
        ) % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    if isinstance(exception, RequestDataTooBig):
        return _(
            "The form's text fields were larger than %(size)s. Nothing was saved. Shorten them and send again."
        ) % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    return _("The request could not be understood. Nothing was saved. Go back and send the form again.")


def bad_request(request, exception):
    """handler400: the reason in words, a link back to the page, status 400."""
    context = {"reason": bad_request_reason(exception), "back_url": request.path}
    response = TemplateResponse(request, "400.html", context, status=400)
    response.render()
    return response
