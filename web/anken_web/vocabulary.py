"""Words the APIs send as codes (statuses, categories, field names) that the UI shows translated.

Listed here with N_ so the catalogs carry them; templates translate the code with `_()`.
"""

from __future__ import annotations

from anken_web.i18n.extraction import N_

WEEKLY_REPORT_FIELDS = (N_("good_reactions"), N_("objections"), N_("learnings"), N_("next_actions"), N_("agenda"))
QUALIFICATION_FIELDS = (N_("budget"), N_("authority"), N_("need"), N_("timeline"))
FORECAST_CATEGORIES = (N_("pipeline"), N_("best_case"), N_("commit"), N_("omitted"))
CONTRACT_CHANGES = (N_("renewal"), N_("upsell"), N_("downsell"), N_("end"))
JOB_STATUSES = (N_("pending"), N_("running"), N_("retrying"), N_("succeeded"), N_("failed"), N_("dead"),
                N_("skipped"), N_("completed"), N_("queued"))
PACE_STATUSES = (N_("on_track"), N_("behind"), N_("at_risk"), N_("none"))
DUPLICATE_REASONS = (N_("corporate_number"), N_("phone"), N_("name"))
TARGET_FIELDS = (N_("company_name"), N_("industry"), N_("size"), N_("region"), N_("priority_tier"))
LEAD_SOURCES = (N_("outbound_appointment"), N_("inbound"), N_("referral"), N_("partner"), N_("event"),
                N_("existing_customer"))
HANDOFF_STATUSES = (N_("set"), N_("held"), N_("no_show"), N_("cancelled"))
PARTNER_OUTCOMES = (N_("qualified"), N_("unqualified"))
DEAL_FIELDS = (N_("stage_id"), N_("amount"), N_("probability"), N_("expected_close_date"), N_("forecast_category"),
               N_("owner_id"), N_("status"))
