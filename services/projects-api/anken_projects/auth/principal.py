"""Who is calling projects-api (the shared Principal of anken_common)."""

from anken_common.principal import Principal

__all__ = ["Principal"]
