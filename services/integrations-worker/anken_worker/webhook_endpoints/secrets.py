"""Which secrets sign a webhook right now: the current one, plus the previous one during the
24 hours after a rotation, so receivers can switch at their own pace."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from anken_worker.kit.secret_box import SecretBox
from anken_worker.kit.time import utc_now

ROTATION_OVERLAP = timedelta(hours=24)


def signing_secrets(box: SecretBox, endpoint: dict[str, Any]) -> list[str]:
    secrets = [box.open(endpoint["secret_encrypted"])]
    expires = endpoint.get("previous_secret_expires_at")
    if endpoint.get("previous_secret_encrypted") and expires and expires > utc_now():
        secrets.append(box.open(endpoint["previous_secret_encrypted"]))
    return secrets
