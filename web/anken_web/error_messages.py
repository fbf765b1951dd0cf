"""Turn an API's answer into one sentence in the user's language (never a stack trace)."""

from __future__ import annotations

from collections.abc import Callable

from anken_web.api_client import ApiError, ApiUnavailable
from anken_web.vocabulary import field_label_of

Gettext = Callable[..., str]


def describe(exc: Exception, _: Gettext) -> str:
    if isinstance(exc, ApiUnavailable):
        return _("The service is not answering right now. Please try again in a moment.")
    if not isinstance(exc, ApiError):
        return _("Something went wrong. Please try again.")
    if exc.status == 422 and exc.fields:
        labels = dict.fromkeys(field_label_of(f, _) for f in exc.fields)
        return _("Please check these fields: %(fields)s", fields=", ".join(labels))
    if exc.status == 401:
        return _("The email or password is wrong.")
    messages = {
        400: _("The request could not be understood. Please check what you entered."),
        403: _("Your role does not allow this."),
        404: _("This item does not exist or is not yours to see."),
        409: _("This cannot be done in the item's current state."),
        412: _("Someone else changed this in the meantime. Reload and try again."),
        413: _("The file is too large."),
        422: _("Please check what you entered."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(exc.status, _("Something went wrong. Please try again."))


def api_detail(exc: Exception, locale: str) -> str | None:
    """The API's own explanation, shown small under the sentence; it is English (from the service),
    so only a page in English shows it: a Japanese page never mixes in English detail."""
    return exc.detail if isinstance(exc, ApiError) and locale == "en" else None
