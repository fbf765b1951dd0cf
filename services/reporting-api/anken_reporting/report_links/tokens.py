"""A shared link's token: the link's id signed for the report-link purpose (anken_common.signed_ids).

Whether the link is still good (not revoked, not expired) is the row's to say, on every use
(report_links.service.resolve).
"""

from __future__ import annotations

import uuid

from anken_common.auth_tokens import KeyPurpose
from anken_common.signed_ids import sign_id, signed_id


def token_for(secret: str, link_id: uuid.UUID) -> str:
    return sign_id(secret, KeyPurpose.report_link, link_id)


def link_id_of(secret: str, token: str) -> uuid.UUID | None:
    """The id a token names, or None when the token was not made with this secret (or is not a token)."""
    return signed_id(secret, KeyPurpose.report_link, token)
