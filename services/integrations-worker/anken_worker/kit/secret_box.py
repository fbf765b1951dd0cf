"""Secrets at rest: tokens, service-account keys and webhook secrets are stored Fernet-encrypted."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            # Never include the ciphertext: the message may be logged.
            raise ValueError("secret cannot be decrypted with the configured ANKEN_ENCRYPTION_KEY") from exc
