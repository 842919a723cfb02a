"""The authorization matrix, as data: every URL pattern and API operation, its action and expected answers.

One ``Route`` per URL name (pages) or per ``"METHOD /api/v1/path"`` (API operations). ``test_authz_matrix``
turns each route into a handful of cases (``cases()``):

- **anonymous** — pages send visitors to the login page (302), the API answers 401;
- **other county** — a persona of county B gets 404 for a county-A object (its existence is not revealed);
- **other school** — the principal of the sibling school in county A gets 404 for an object of school A1;
- **forbidden** — an in-scope persona whose role lacks the permission gets 403 (404 where the role may not
  even see the kind of object: ``for_user`` gives it nothing to find, so the object does not exist for it);
- **allowed** — a persona whose role has the permission gets 200/201/302.

Target objects are built by ``targets.py`` in county A (school A1 unless stated). ``listing=True`` marks lists
and exports (pages and API): ``test_no_leaks`` seeds a county-B canary and proves county A never sees it.
``test_route_coverage`` walks the URL resolver and the OpenAPI document and fails for any route missing here,
so a new module must add its routes to this file.

Personas (``xiaoan.orgs.testing.build_city`` plus ``targets.EXTRA_PERSONAS``): city_officer, county_a_officer,
county_a_admin, viewer (county A, read-only), school_admin, principal, teacher, guard and school_officer at
school A1; sibling_principal at kindergarten A2; county_b_officer, b_principal … in county B.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import targets as t

Builder = Callable[[Any], dict[str, Any]]

# Routes that are outside the matrix on purpose, with the reason.
EXEMPT: dict[str, str] = {
    "healthz": "load-balancer probe: no data, no session, answers everyone",
    "set_language": "Django's language switch: stores a cookie, no data",
    "accounts:login": "the login page itself (covered by the accounts tests: lockout, second factor)",
    "api:openapi-json": "the API description, public on purpose (schemathesis reads it)",
    "api:openapi-view": "the locally served API docs page for the description above",
    "api:api-root": "django-ninja's index of the API: no data",
    "api-not-found": "JSON 404 for API paths no operation matches (e.g. negative ids): no data, no lookup",
}

# Persona → the unit attribute of the city it sits at (to tell school-level from bureau-level personas).
SCHOOL_PERSONAS = {"school_admin", "principal", "teacher", "guard", "school_officer"}


@dataclass(frozen=True)
class Route:
    key: str  # URL name, or "METHOD /api/v1/path" for API operations
    action: str  # the permission action the route exercises (view, change, create, export …)
    target: Builder | None = None  # builds a county-A object and returns the URL kwargs
    allowed: str | None = "county_a_officer"
    forbidden: str | None = None
    forbidden_status: int = 403
    method: str = "GET"
    data: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None
    ok: tuple[int, ...] = (200,)
    listing: bool = False
    public: bool = False  # no login at all (QR report, receipt, tracking): served to anyone, a wrong token is 404/410
    own: bool = False  # the caller's own account or inbox: any signed-in user, other users' objects are 404
    at_school: bool = True  # the target sits at school A1 (so the sibling school's principal must get 404)
    scoped: bool = True  # False when the URL names a declared thing (a rule, an obligation), not a county-A row
    outsider: str | None = None  # default: county_b_officer, or b_principal when the allowed persona is at a school
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_api(self) -> bool:
        return self.key.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE "))

    @property
    def http_method(self) -> str:
        return self.key.split(" ", 1)[0] if self.is_api else self.method

    def cases(self) -> list[tuple[str, str | None, tuple[int, ...]]]:
        """(case name, persona, accepted statuses); persona None means anonymous."""
        if self.public:  # no login: the visitor is served, a forged or stale token gets a friendly 404/410
            wrong = [("wrong_token", None, (404, 410))] if self.target is not None else []
            return [("public", None, (200,)), *wrong]
        found: list[tuple[str, str | None, tuple[int, ...]]] = [("anonymous", None, (401,) if self.is_api else (302,))]
        if self.target is not None and self.scoped:
            outsider = self.outsider or ("b_principal" if self.allowed in SCHOOL_PERSONAS else "county_b_officer")
            found.append(("other_county", outsider, (404,)))
            if self.at_school and not self.own:
                found.append(("other_school", "sibling_principal", (404,)))
        if self.forbidden:
            found.append(("forbidden", self.forbidden, (self.forbidden_status,)))
        if self.allowed:
            found.append(("allowed", self.allowed, self.ok))
        return found


def post(data: dict[str, Any] | None = None) -> Callable[[Any, dict[str, Any]], dict[str, Any]]:
    return lambda city, kwargs: dict(data or {})


OK_OR_REDIRECT = (200, 302)
REDIRECT = (302,)

PAGES: list[Route] = [
    Route("home", "view", allowed="teacher", ok=(200,)),
    # --- the caller's own account ---------------------------------------------------------------------
    Route("accounts:logout", "own", method="POST", own=True, ok=REDIRECT),
    Route("accounts:second_factor", "own", own=True, ok=OK_OR_REDIRECT),
    Route("accounts:password_change", "own", own=True),
    Route("accounts:profile", "own", own=True),
    Route("accounts:totp_setup", "own", own=True, ok=OK_OR_REDIRECT),
    Route("accounts:totp_disable", "own", method="POST", own=True, ok=(302, 400)),  # 400: no second factor to end
    Route("accounts:switch", "own", own=True, ok=OK_OR_REDIRECT),
    Route("accounts:tokens", "own", own=True),
    Route("accounts:token_revoke", "own", t.own_token, method="POST", own=True, ok=REDIRECT),
    Route("notifications:inbox", "own", own=True),
    Route("notifications:open", "own", t.own_notification, own=True, ok=REDIRECT),
    Route("notifications:read_all", "own", method="POST", own=True, ok=REDIRECT),
    # --- the org tree ---------------------------------------------------------------------------------
    Route("orgs:unit_list", "view", listing=True),
    Route("orgs:unit_create", "create", allowed="county_a_admin", forbidden="county_a_officer"),
    Route("orgs:unit_export", "export", forbidden="guard", listing=True),
    Route("orgs:school_directory_pdf", "export", forbidden="guard", listing=True),
    Route("orgs:unit_detail", "view", t.school),
    Route("orgs:unit_edit", "change", t.school, allowed="county_a_admin", forbidden="county_a_officer"),
    Route("orgs:people_list", "view", forbidden="teacher", listing=True),
    Route("orgs:person_create", "create", allowed="county_a_admin", forbidden="county_a_officer"),
    Route("orgs:people_export", "view", forbidden="teacher", listing=True),
    Route("orgs:person_detail", "view", t.teacher_person, forbidden="guard", forbidden_status=404),
    *(
        Route(
            f"orgs:{name}",
            "change",
            t.teacher_person,
            method="POST",
            allowed="county_a_admin",
            forbidden="county_a_officer",
            ok=OK_OR_REDIRECT,
        )
        for name in (
            "membership_grant",
            "person_deactivate",
            "person_reactivate",
            "person_reset_password",
            "person_reset_second_factor",
        )
    ),
    Route(
        "orgs:membership_end",
        "change",
        t.teacher_membership,
        method="POST",
        allowed="county_a_admin",
        forbidden="county_a_officer",
        ok=REDIRECT,
    ),
    # --- files, imports, audit, rules ---------------------------------------------------------------
    Route(
        "attachments:upload",
        "change",
        t.drill,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        data=lambda city, kwargs: {"owner_type": "drills.drill", "owner_id": kwargs.pop("pk"), "file": t_photo()},
        ok=OK_OR_REDIRECT,
    ),
    Route("attachments:download", "view", t.attachment),
    Route("attachments:thumbnail", "view", t.attachment),
    Route(
        "attachments:remove",
        "change",
        t.drill_attachment,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        ok=OK_OR_REDIRECT,
    ),
    Route("tabular:job_list", "view", allowed="county_a_admin"),
    Route(
        "tabular:job_new",
        "import",
        t.spec_name,
        allowed="county_a_admin",
        forbidden="county_a_officer",
        at_school=False,
        scoped=False,
    ),
    Route("tabular:template", "view", t.spec_name, allowed="county_a_admin", at_school=False, scoped=False),
    Route(
        "tabular:job_detail",
        "view",
        t.import_job,
        allowed="county_a_admin",
        forbidden="teacher",
        forbidden_status=404,
        at_school=False,
    ),
    Route(
        "tabular:job_progress",
        "view",
        t.import_job,
        allowed="county_a_admin",
        forbidden="teacher",
        forbidden_status=404,
        at_school=False,
    ),
    Route(
        "tabular:job_cancel",
        "cancel",
        t.import_job,
        method="POST",
        allowed="county_a_admin",
        forbidden="teacher",
        forbidden_status=404,
        at_school=False,
        ok=REDIRECT,
    ),
    Route(
        "tabular:error_download",
        "view",
        t.finished_job,
        allowed="county_a_admin",
        forbidden="teacher",
        forbidden_status=404,
        at_school=False,
    ),
    Route(
        "tabular:result_download",
        "view",
        t.finished_job,
        allowed="county_a_admin",
        forbidden="teacher",
        forbidden_status=404,
        at_school=False,
    ),
    Route("audit:list", "view", allowed="county_a_admin", forbidden="county_a_officer", listing=True),
    Route("rules:list", "view", forbidden="guard"),
    Route(
        "rules:change",
        "change",
        t.rule_key,
        allowed="city_admin",
        forbidden="county_a_admin",
        at_school=False,
        scoped=False,
    ),
    # --- compliance -----------------------------------------------------------------------------------
    Route("compliance:home", "view", forbidden="guard", ok=OK_OR_REDIRECT),  # redirects to the own view
    Route("compliance:my_calendar", "view", allowed="principal", forbidden="guard", ok=OK_OR_REDIRECT),
    Route("compliance:calendar", "view", t.school, forbidden="guard"),
    Route("compliance:matrix", "view", forbidden="guard", listing=True),
    Route("compliance:matrix_export", "export", forbidden="teacher", listing=True),
    Route("compliance:obligation_list", "view", forbidden="guard"),
    Route("compliance:obligation_detail", "view", t.obligation, forbidden="guard", at_school=False, scoped=False),
    # --- risks ----------------------------------------------------------------------------------------
    Route("risks:list", "view", forbidden="guard", listing=True),
    Route("risks:create", "create", allowed="principal", forbidden="county_a_officer"),
    Route("risks:distribution", "view", forbidden="guard", listing=True),
    Route("risks:export", "export", forbidden="guard", listing=True),
    Route("risks:ledger_pdf", "export", forbidden="guard", listing=True),
    Route("risks:detail", "view", t.risk_point, forbidden="guard", forbidden_status=404),
    Route("risks:edit", "change", t.risk_point, allowed="principal", forbidden="teacher"),
    Route("risks:review", "review", t.risk_point, allowed="principal", forbidden="teacher"),
    # --- hazards --------------------------------------------------------------------------------------
    Route("hazards:list", "view", listing=True),
    Route("hazards:report", "report", allowed="teacher", forbidden="viewer"),
    Route("hazards:supervision_list", "view", listing=True),
    Route("hazards:export_xlsx", "export", forbidden="teacher", listing=True),
    Route("hazards:export_pdf", "export", forbidden="teacher", listing=True),
    Route("hazards:poster", "poster", allowed="principal", forbidden="teacher"),
    Route("hazards:detail", "view", t.hazard()),
    Route("hazards:grade", "grade", t.hazard(), allowed="school_officer", forbidden="teacher"),
    Route("hazards:assign", "assign", t.hazard("graded"), allowed="school_officer", forbidden="teacher"),
    Route("hazards:request_acceptance", "rectify", t.hazard("rectifying"), allowed="school_officer", forbidden="guard"),
    Route(
        "hazards:transition",
        "reject",
        t.hazard(name="reject"),
        method="POST",
        allowed="school_officer",
        forbidden="teacher",
        data=post({"comment": "不构成隐患"}),
        ok=REDIRECT,
    ),
    Route("hazards:supervise", "supervision.create", t.overdue_hazard, forbidden="principal"),
    Route("hazards:rectification_notice", "view", t.hazard("rectifying")),
    Route("hazards:progress", "supervisionreport.create", t.supervision, allowed="school_officer", forbidden="guard"),
    Route("hazards:supervision_notice", "view", t.supervision),
    Route("hazards:public_report", "public", t.report_token, public=True),
    Route("hazards:track", "public", public=True),
    # --- assets ---------------------------------------------------------------------------------------
    Route("assets:list", "view", listing=True),
    Route("assets:create", "create", allowed="principal", forbidden="guard"),
    Route("assets:bulk", "create", allowed="principal", forbidden="guard"),
    Route("assets:export", "export", forbidden="guard", listing=True),
    Route("assets:detail", "view", t.asset),
    Route("assets:edit", "change", t.asset, allowed="principal", forbidden="guard"),
    Route("assets:check", "check", t.asset, allowed="guard", forbidden="teacher"),
    # --- inspections ----------------------------------------------------------------------------------
    Route("inspections:due", "view", allowed="school_officer"),
    Route("inspections:template_list", "view", listing=True),
    Route("inspections:template_create", "create", forbidden="teacher"),
    Route("inspections:template_detail", "view", t.county_template, at_school=False),
    Route("inspections:template_edit", "change", t.county_template, forbidden="viewer", at_school=False),
    Route(
        "inspections:section_add",
        "change",
        t.county_template,
        method="POST",
        forbidden="viewer",
        at_school=False,
        ok=OK_OR_REDIRECT,
    ),
    Route(
        "inspections:item_add",
        "change",
        t.county_template,
        method="POST",
        forbidden="viewer",
        at_school=False,
        ok=OK_OR_REDIRECT,
    ),
    Route(
        "inspections:item_remove",
        "change",
        t.template_item,
        method="POST",
        forbidden="viewer",
        at_school=False,
        ok=OK_OR_REDIRECT,
    ),
    Route("inspections:plan_list", "view", listing=True),
    Route("inspections:plan_create", "create", allowed="principal", forbidden="teacher"),
    Route(
        "inspections:plan_toggle",
        "change",
        t.inspection_plan,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        ok=REDIRECT,
    ),
    Route("inspections:inspection_list", "view", listing=True),
    Route(
        "inspections:start",
        "create",
        method="POST",
        allowed="school_officer",
        forbidden="viewer",
        data=lambda city, kwargs: {"template": t.inspection_plan_template(city)},
        ok=OK_OR_REDIRECT,
    ),
    Route("inspections:inspection_detail", "view", t.inspection),
    Route(
        "inspections:inspection_fill", "change", t.inspection, allowed="school_officer", forbidden="county_a_officer"
    ),
    Route("inspections:campaign_list", "view", listing=True),
    Route("inspections:campaign_create", "create", forbidden="principal"),
    Route("inspections:campaign_detail", "view", t.campaign, at_school=False),
    Route("inspections:fire_ledger", "export", forbidden="teacher", listing=True),
    # --- drills ---------------------------------------------------------------------------------------
    Route("drills:drill_list", "view", forbidden="guard", listing=True),
    Route("drills:drill_create", "create", allowed="principal", forbidden="county_a_officer"),
    Route("drills:drill_detail", "view", t.drill, forbidden="guard", forbidden_status=404),
    Route("drills:drill_record", "change", t.drill, allowed="principal", forbidden="teacher"),
    Route(
        "drills:drill_cancel", "change", t.drill, method="POST", allowed="principal", forbidden="teacher", ok=REDIRECT
    ),
    Route(
        "drills:follow_up_action",
        "change",
        t.drill_follow_up,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        ok=REDIRECT,
    ),
    Route("drills:follow_up_list", "view", forbidden="guard", listing=True),
    Route("drills:follow_up_assign", "change", t.drill_follow_up_only, allowed="principal", forbidden="teacher"),
    Route("drills:plan_list", "view", forbidden="guard", listing=True),
    Route("drills:plan_create", "create", allowed="principal", forbidden="county_a_officer"),
    Route("drills:plan_detail", "view", t.emergency_plan, forbidden="guard", forbidden_status=404),
    Route("drills:plan_revise", "change", t.emergency_plan, allowed="principal", forbidden="teacher"),
    # --- safety education -----------------------------------------------------------------------------
    Route("education:activity_list", "view", forbidden="guard", listing=True),
    Route("education:activity_create", "create", allowed="teacher", forbidden="county_a_officer"),
    Route("education:activity_export", "export", forbidden="guard", listing=True),
    Route("education:coverage", "view", forbidden="guard", listing=True),
    Route("education:calendar", "view", forbidden="guard", listing=True),
    Route("education:activity_detail", "view", t.education_activity, forbidden="guard", forbidden_status=404),
    Route("education:activity_edit", "change", t.education_activity, allowed="teacher", forbidden="viewer"),
    # --- training -------------------------------------------------------------------------------------
    Route("training:session_list", "view", forbidden="guard", listing=True),
    Route("training:session_create", "create", forbidden="teacher"),
    Route("training:session_export", "export", forbidden="guard", listing=True),
    Route("training:certificates", "view", forbidden="guard", listing=True),
    Route("training:coverage", "view", forbidden="guard", listing=True),
    Route("training:session_detail", "view", t.training_session, forbidden="guard", forbidden_status=404),
    Route("training:session_edit", "change", t.training_session, allowed="principal", forbidden="teacher"),
    Route(
        "training:attendees_add",
        "change",
        t.training_session,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        ok=OK_OR_REDIRECT,
    ),
    Route(
        "training:record_remove",
        "change",
        t.training_record,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        ok=REDIRECT,
    ),
    # --- pupils and guardians (school level only) -----------------------------------------------------
    Route("students:class_list", "view", allowed="principal", forbidden="guard", listing=True),
    Route("students:class_create", "create", allowed="principal", forbidden="teacher"),
    Route(
        "students:class_detail",
        "view",
        t.school_class,
        allowed="principal",
        forbidden="county_a_officer",
        forbidden_status=404,
    ),
    Route("students:class_edit", "change", t.school_class, allowed="principal", forbidden="teacher"),
    Route(
        "students:class_export", "export", t.school_class, allowed="teacher", forbidden="guard", forbidden_status=404
    ),
    Route(
        "students:pupil_create",
        "create",
        t.class_for_pupils,
        allowed="teacher",
        forbidden="guard",
        forbidden_status=404,
    ),
    Route(
        "students:pupil_detail",
        "view",
        t.pupil,
        allowed="principal",
        forbidden="county_a_officer",
        forbidden_status=404,
    ),
    Route("students:pupil_edit", "change", t.pupil, allowed="teacher", forbidden="guard", forbidden_status=404),
    Route(
        "students:pupil_reveal",
        "reveal",
        t.pupil,
        method="POST",
        allowed="principal",
        forbidden="guard",
        forbidden_status=404,
    ),
    Route("students:pupil_move", "change", t.pupil, allowed="principal", forbidden="teacher"),
    Route("students:pupil_leave", "transfer", t.pupil, allowed="principal", forbidden="teacher"),
    Route("students:pupil_transfer", "transfer", t.pupil, allowed="principal", forbidden="teacher"),
    Route(
        "students:pupil_transfer_cancel",
        "transfer",
        t.pupil,
        method="POST",
        allowed="principal",
        forbidden="teacher",
        ok=(302, 409),
    ),  # 409: the service says no transfer is pending
    Route("students:transfer_list", "view", allowed="principal", forbidden="teacher", listing=True),
    Route(
        "students:transfer_accept",
        "accept",
        t.transfer_in,
        allowed="principal",
        forbidden="teacher",
        forbidden_status=404,
    ),
    Route("students:promotion", "promote", allowed="principal", forbidden="teacher"),
    # --- letters to families --------------------------------------------------------------------------
    Route("families:letter_list", "view", forbidden="guard", listing=True),
    Route("families:letter_create", "create", forbidden="teacher"),
    Route("families:letter_detail", "view", t.letter, forbidden="guard", at_school=False),
    Route("families:letter_edit", "change", t.letter, forbidden="viewer", at_school=False),
    Route(
        "families:letter_publish", "publish", t.letter, method="POST", forbidden="viewer", at_school=False, ok=REDIRECT
    ),
    Route(
        "families:letter_archive",
        "archive",
        t.published_letter,
        method="POST",
        forbidden="viewer",
        at_school=False,
        ok=(302, 409),
    ),  # 409: the service refuses before the deadline
    Route(
        "families:letter_remind",
        "remind",
        t.published_letter,
        method="POST",
        forbidden="viewer",
        at_school=False,
        ok=REDIRECT,
    ),
    Route(
        "families:school_ledger",
        "receipt.export",
        t.published_letter,
        allowed="principal",
        forbidden="teacher",
        at_school=False,
    ),
    Route(
        "families:school_archive",
        "receipt.export",
        t.published_letter,
        allowed="principal",
        forbidden="teacher",
        at_school=False,
    ),
    Route("families:class_receipts", "receipt.view", t.letter_class, allowed="teacher", forbidden="guard"),
    Route("families:class_pdf", "receipt.view", t.letter_class, allowed="teacher", forbidden="guard"),
    Route("families:activity_list", "view", forbidden="guard", listing=True),
    Route("families:activity_create", "create", allowed="teacher", forbidden="county_a_officer"),
    Route("families:receipt", "public", t.receipt_token, public=True),
]


def unit_body(city: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        "parent_id": city.county_a.pk,
        "name": "宛城区第九小学",
        "kind": "school",
        "code": "2141130209",
        "stage": "primary",
    }


def hazard_body(city: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {"unit_id": city.school_a1.pk, "category": "fire", "place": "食堂", "description": "灭火器过期"}


def drill_body(city: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "fire", "planned_on": t.today().isoformat(), "scope": "全校"}


API: list[Route] = [
    Route("GET /api/v1/units", "view", listing=True),
    Route(
        "POST /api/v1/units",
        "create",
        allowed="county_a_admin",
        forbidden="county_a_officer",
        data=unit_body,
        ok=(201,),
    ),
    Route("GET /api/v1/units/{unit_id}", "view", t.school),
    Route(
        "PATCH /api/v1/units/{unit_id}",
        "change",
        t.school,
        allowed="county_a_admin",
        forbidden="county_a_officer",
        data=post({"address": "宛城区建设路1号"}),
    ),
    Route("GET /api/v1/people", "view", forbidden="teacher", listing=True),
    Route("GET /api/v1/people/{person_id}", "view", t.teacher_person, forbidden="guard", forbidden_status=404),
    Route("GET /api/v1/risks", "view", forbidden="guard", listing=True),
    Route("GET /api/v1/risks/{risk_id}", "view", t.risk_point, forbidden="guard", forbidden_status=404),
    Route("GET /api/v1/hazards", "view", listing=True),
    Route(
        "POST /api/v1/hazards",
        "report",
        allowed="teacher",
        forbidden="viewer",
        data=hazard_body,
        ok=(201,),
        extra={"form": True},
    ),
    Route("GET /api/v1/hazards/{hazard_id}", "view", t.hazard()),
    Route(
        "POST /api/v1/hazards/{hazard_id}/transitions/{name}",
        "reject",
        t.hazard(name="reject"),
        allowed="school_officer",
        forbidden="teacher",
        data=post({"comment": "不构成隐患"}),
        extra={"form": True},
    ),
    Route("GET /api/v1/assets", "view", listing=True),
    Route("GET /api/v1/assets/{asset_id}", "view", t.asset),
    Route("GET /api/v1/inspections/templates", "view", listing=True),
    Route("GET /api/v1/inspections/records", "view", listing=True),
    Route("GET /api/v1/inspections/records/{inspection_id}", "view", t.inspection),
    Route("GET /api/v1/drills", "view", forbidden="guard", listing=True),
    Route(
        "POST /api/v1/drills", "create", allowed="principal", forbidden="county_a_officer", data=drill_body, ok=(201,)
    ),
    Route("GET /api/v1/drills/{drill_id}", "view", t.drill, forbidden="guard", forbidden_status=404),
    Route("GET /api/v1/training/sessions", "view", forbidden="guard", listing=True),
    Route(
        "GET /api/v1/training/sessions/{session_id}",
        "view",
        t.training_session,
        forbidden="guard",
        forbidden_status=404,
    ),
    Route("GET /api/v1/students/classes", "view", allowed="principal", forbidden="county_a_officer", listing=True),
    Route(
        "GET /api/v1/students/classes/{class_id}",
        "view",
        t.school_class,
        allowed="principal",
        forbidden="county_a_officer",
    ),  # the API refuses bureaus before any lookup
    Route("GET /api/v1/students/pupils", "view", allowed="principal", forbidden="county_a_officer", listing=True),
    Route("GET /api/v1/students/pupils/{pupil_id}", "view", t.pupil, allowed="principal", forbidden="county_a_officer"),
    Route("GET /api/v1/students/counts", "overview", forbidden="principal", listing=True),
    Route("GET /api/v1/families/letters", "view", forbidden="guard", listing=True),
    Route("GET /api/v1/families/letters/{letter_id}", "view", t.letter, forbidden="guard", at_school=False),
    Route(
        "GET /api/v1/families/letters/{letter_id}/progress",
        "view",
        t.published_letter,
        forbidden="guard",
        at_school=False,
    ),
]

ROUTES: dict[str, Route] = {route.key: route for route in [*PAGES, *API]}


def t_photo() -> Any:
    from xiaoan.hazards.testing import photo

    return photo()
