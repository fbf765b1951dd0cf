"""Who may see and change which deals: admins and managers all, directors their own, members none."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.problems import NotFound
from anken_projects.auth.dependencies import require_roles
from anken_projects.auth.principal import Principal
from anken_projects.deals.models import Deal

# Members and partner keys get 403 from these; admins and service tokens always pass.
DealReader = Annotated[Principal, Depends(require_roles(Role.manager, Role.director))]
DealWriter = DealReader
PipelineReader = DealReader
PipelineWriter = Annotated[Principal, Depends(require_roles(Role.manager))]


def sees_all_deals(principal: Principal) -> bool:
    return rule.may_read_sales(principal, None)


def ensure_deal_visible(principal: Principal, deal: Deal | None) -> Deal:
    """The deal, or 404 when it does not exist or is not the caller's to see."""
    if deal is None or not rule.may_read_sales(principal, deal.owner_id):
        raise NotFound("deal")
    return deal
