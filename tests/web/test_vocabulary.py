"""Every code the APIs send has a label in both languages, and field keys in errors read as labels."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import pytest
from babel.messages.pofile import read_po

from anken_common.auth_tokens import Role
from anken_common.call_outcomes import CallOutcome
from anken_projects.appointments.handoff import HandoffChange
from anken_projects.appointments.models import ClientDealStage, HandoffStatus, PartnerOutcome
from anken_projects.auth.scopes import Scope
from anken_projects.deals.models import DealStatus, ForecastCategory, LeadSource
from anken_projects.projects.models import ContractChangeKind, ProjectStatus
from anken_projects.targets.dedupe import DuplicateReason
from anken_projects.targets.import_columns import TargetField
from anken_projects.targets.models import ImportStatus, TargetStatus
from anken_reporting.portfolio.schemas import PaceStatus
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.i18n.catalogs import CATALOG_DIR, translations
from anken_web.vocabulary import (
    CLIENT_DEAL_STAGES,
    FIELDS,
    PARTNER_OUTCOMES,
    VALUES,
    field_key,
    field_label_of,
    label_of,
)
from anken_worker.deliveries.models import DeliveryStatus, Integration

SHOWN_VALUES: tuple[type[StrEnum], ...] = (
    Role, CallOutcome, HandoffStatus, HandoffChange, PartnerOutcome, ClientDealStage, Scope, DealStatus, ForecastCategory, LeadSource,
    ContractChangeKind, ProjectStatus, DuplicateReason, ImportStatus, TargetStatus, PaceStatus, DeliveryStatus,
    Integration,
)


@pytest.mark.parametrize("enum", SHOWN_VALUES, ids=lambda e: e.__name__)
def test_every_value_an_api_sends_has_a_label(enum: type[StrEnum]) -> None:
    assert [v.value for v in enum if v.value not in VALUES] == []


def test_every_target_field_has_a_label() -> None:
    assert [f.value for f in TargetField if f.value not in FIELDS] == []


def test_every_label_has_its_own_japanese_text() -> None:
    with (CATALOG_DIR / "ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    labels = set(VALUES.values()) | set(FIELDS.values())
    missing = sorted(label for label in labels if not (catalog.get(label) and catalog.get(label).string))
    assert missing == []


def test_codes_read_as_words_in_each_language() -> None:
    ja, en = translations("ja").gettext, translations("en").gettext
    assert label_of("on_track", ja) == "順調"
    assert label_of("on_track", en) == "On track"
    assert label_of("best_case", en) == "Best case"
    assert label_of("budget", ja) == "予算", "one language at a time, never 「予算 (Budget)」"
    assert label_of("kickoff", en) == "Kickoff"
    # A code the vocabulary does not know: the label someone typed, else the code itself (the page test finds it).
    assert label_of("custom_item", ja, "独自の項目") == "独自の項目"
    assert label_of("appointment_definition", ja, "アポイントの定義 (Appointment definition)") == "アポイントの定義"
    assert label_of(None, ja) == ""


def test_an_api_error_path_names_the_field_by_its_label() -> None:
    ja, en = translations("ja").gettext, translations("en").gettext
    assert field_key("appointment.meeting_at") == "meeting_at"
    assert field_key("notes.learnings.0") == "learnings"
    assert field_key("body.name") == "name"
    assert field_key("body.body") == "body" and field_key("body") == "body"
    assert field_key("items[2].title") == "title"
    assert field_label_of("appointment.meeting_at", en) == "Meeting date and time"
    assert field_label_of("notes.learnings.0", ja) == "学び"
    assert field_label_of("file", ja) == "ファイル"
    # A form's own word for a key wins over the general one (a project's name is not a company's).
    assert field_label_of("name", en, {"name": "Project name"}) == "Project name"


def user_gettext(locale: str) -> Callable[..., str]:
    """Gettext as a page's `_` is: placeholders filled from keywords."""
    catalog = translations(locale)
    return lambda message, **values: catalog.gettext(message) % values if values else catalog.gettext(message)


def test_a_refusal_names_fields_by_label_never_by_key() -> None:
    exc = ApiError(422, errors=[{"field": "appointment.meeting_at", "message": "Field required"},
                                {"field": "note", "message": "too long"}, {"field": "scopes", "message": "bad"},
                                {"field": "appointment.meeting_at", "message": "again"}])
    ja, en = user_gettext("ja"), user_gettext("en")
    assert describe(exc, en) == "Please check these fields: Meeting date and time, Note, Scopes"
    sentence = describe(exc, ja)
    assert sentence == ja("Please check these fields: %(fields)s", fields=", ".join(
        ja(label) for label in ("Meeting date and time", "Note", "Scopes")))
    assert not any(key in sentence for key in ("meeting_at", "appointment", "note", "scopes"))


def test_the_appointment_form_offers_exactly_the_apis_stages_and_outcomes() -> None:
    assert CLIENT_DEAL_STAGES == tuple(stage.value for stage in ClientDealStage)
    assert PARTNER_OUTCOMES == tuple(outcome.value for outcome in PartnerOutcome)
