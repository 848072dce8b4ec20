"""Reporting rounds: open a round, save and submit returns, review them, assess, close.

A round (``actions.round_models``) asks for one return per tiltak in scope. The person
responsible (or their unit manager) saves a draft and submits; submitting posts the
status update through :func:`actions.services.post_status_update` in the same
transaction. The sector leader of the unit's sector approves or sends back with a
comment, and writes assessments. Closing marks the round closed once its period has
ended; freezing the report and making its documents is ``reports``' part.

Every write to a return or round is a compare-and-set on ``version``
(:func:`planportal.locking.cas_update`): a stale version raises
:class:`~planportal.locking.VersionConflict` and nothing is written, so a form can show
the person what they typed next to what is stored now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.models import Action, ReportingReturn, ReportingRound, RoundAssessment, StatusUpdate
from actions.notices import record_notice
from actions.permissions import can_assess_in
from planportal.audit import services as audit
from planportal.formatting import text_date
from planportal.languages import content_language
from planportal.locking import VersionConflict, cas_update
from planportal.models import Organization, Unit
from planportal.periods import Period, parse_period_key
from planportal.permissions import deny, get_access
from strategies import services as plan_services
from strategies.models import FocusArea, Indicator, Measurement, Plan

Return = ReportingReturn
State = ReportingReturn.State
#: The fields a return form writes.
RETURN_FIELDS = ("status", "progress", "risk", "done", "next_steps", "indicator_values")
TEXT_LIMIT = 10_000


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _round_period(frequency: str, period_key: str) -> Period:
    try:
        return parse_period_key(frequency, period_key)
    except ValueError as exc:
        raise ValidationError({"period_key": str(exc)}) from None


def actions_in_scope(plans: Iterable[Plan], period: Period) -> Any:
    """The tiltak a round of *period* asks about: every tiltak of *plans* that was not
    completed, cancelled or carried over before the period began, plus those completed
    within it. A tiltak closed with no status update since the period began was closed
    before it (its history says nothing newer); carried over is never in a round."""
    since_start = StatusUpdate.objects.filter(
        action=OuterRef("pk"), created_at__gte=_start_of(period.start))
    return (
        Action.objects.filter(plan__in=list(plans))
        .exclude(status=Action.Status.CARRIED_OVER)
        .filter(~Q(status__in=Action.CLOSED_STATUSES) | Exists(since_start))
    )


def _start_of(day: date) -> Any:
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time.min))


def open_round(
    *,
    actor: Any,
    organization: Organization,
    frequency: str,
    period_key: str,
    deadline: date,
    plans: Iterable[Plan] | None = None,
) -> ReportingRound:
    """Open a round for *period_key* with a reporting *deadline*: one return per tiltak.

    *plans* are the round's plans, all of the organisation; ``None`` means every adopted
    plan of the organisation. A plan can be in only one round per period. Only the
    organisation's administrators open rounds.
    """
    if not get_access(actor).is_admin_of(organization.pk):
        raise deny(_("Only an administrator of the organisation can open reporting rounds."))
    period = _round_period(frequency, period_key)
    errors: dict[str, str] = {}
    if deadline is None:
        errors["deadline"] = _("Choose the reporting deadline.")
    elif deadline < period.start:
        errors["deadline"] = _("The deadline cannot be before the period starts.")
    all_plans = plans is None
    if all_plans:
        plans = list(Plan.objects.filter(organization=organization,
                                         status=Plan.Status.ADOPTED).order_by("pk"))
        if not plans:
            errors["plans"] = _("The organisation has no adopted plans.")
    else:
        plans = list(plans)
        if not plans:
            errors["plans"] = _("Choose at least one plan.")
        elif any(plan.organization_id != organization.pk for plan in plans):
            errors["plans"] = _("A plan belongs to another organisation.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked so two rounds of one period cannot both take a plan.
        locked = list(Plan.objects.select_for_update().order_by("pk")
                      .filter(pk__in=[p.pk for p in plans]))
        taken = (Plan.objects.filter(pk__in=[p.pk for p in locked],
                                     reporting_rounds__frequency=period.frequency,
                                     reporting_rounds__period_key=period.key)
                 .values_list("title", flat=True))
        taken = sorted(taken)
        if taken:
            raise ValidationError({"plans": _(
                "These plans already have a round for %(period)s: %(plans)s.") % {
                    "period": period.label, "plans": ", ".join(taken)}})
        # The label goes into the round's documents: in the kommune's målform.
        with translation.override(content_language(organization)):
            label = str(period.label)
        round_ = ReportingRound(
            organization=organization, all_plans=all_plans, frequency=period.frequency,
            period_key=period.key, period_label=label, period_start=period.start,
            period_end=period.end, deadline=deadline, opened_by=_actor(actor),
        )
        round_.full_clean()
        round_.save()
        round_.plans.set(locked)
        action_ids = list(actions_in_scope(locked, period).values_list("pk", flat=True))
        ReportingReturn.objects.bulk_create(
            [ReportingReturn(round=round_, action_id=pk) for pk in action_ids],
            batch_size=2000,
        )
        audit.record(actor=actor, verb="open_round", obj=round_, organization_id=organization.pk,
                     changes={**audit.created_fields(round_),
                              "plans": [None, sorted(p.pk for p in locked)],
                              "returns": [None, len(action_ids)]})
    return round_


# --- Returns --------------------------------------------------------------------------


def _load_for_write(ret: ReportingReturn) -> ReportingReturn:
    """The return as stored, with its round and action (one query), loaded into the
    caller's instance: the services work on the stored row, and the caller sees what
    was written."""
    fresh = (ReportingReturn.objects.select_related("round", "action__goal",
                                                    "action__focus_area", "action__plan")
             .get(pk=ret.pk))
    ret.__dict__.update({name: value for name, value in fresh.__dict__.items()
                         if name != "_state"})
    ret._state.fields_cache = fresh._state.fields_cache
    return ret


def _require(actor: Any, ret: ReportingReturn, verb: str, message: str) -> None:
    if not ReportingReturn.objects.permitted(actor, verb).filter(pk=ret.pk).exists():
        raise deny(message)


def _clean_values(ret: ReportingReturn, fields: Mapping[str, Any], *, submit: bool
                  ) -> dict[str, Any]:
    """Validate a return form's fields; every error names its field."""
    errors: dict[str, str] = {}
    status = fields.get("status") or ""
    progress = fields.get("progress")
    risk = fields.get("risk") or StatusUpdate.Risk.ON_TRACK
    if (status and status not in Action.REPORTABLE_STATUSES) or (submit and not status):
        errors["status"] = _("Choose a status.")
    if progress in ("", None):
        progress = None
        if submit:
            errors["progress"] = _("Enter the progress (0–100 %).")
    else:
        try:
            progress = int(progress)
        except (TypeError, ValueError):
            progress = None
            errors["progress"] = _("Enter the progress as a whole number from 0 to 100.")
        else:
            if not 0 <= progress <= 100:
                errors["progress"] = _("Enter the progress as a whole number from 0 to 100.")
    if progress is not None and "progress" not in errors:
        refusal = action_services.progress_refusal(status, progress)
        if refusal:
            errors["progress"] = refusal
    if risk not in StatusUpdate.Risk.values:
        errors["risk"] = _("Choose a risk.")
    texts = {}
    for name in ("done", "next_steps"):
        text = str(fields.get(name) or "").strip()
        if len(text) > TEXT_LIMIT:
            errors[name] = _("Write at most %(limit)s characters.") % {"limit": TEXT_LIMIT}
        texts[name] = text
    if submit and not texts["done"]:
        errors["done"] = _("Write what was done this period.")
    values = _clean_indicator_values(ret, fields.get("indicator_values") or (), errors)
    if errors:
        raise ValidationError(errors)
    return {"status": status, "progress": progress, "risk": risk, **texts,
            "indicator_values": values}


def _clean_indicator_values(ret: ReportingReturn, rows: Iterable[Any],
                            errors: dict[str, str]) -> list[dict[str, str]]:
    """Indicator values reported with the return: only the indicators of the tiltak's
    goal, each a finite number, each once."""
    rows = list(rows)
    if not rows:
        return []
    if ret.action.goal_id is None:
        # A tiltak on a focus area or the whole plan: indicators belong to goals.
        errors["indicator_values"] = _("This action is not under a goal, so it has no "
                                       "indicators to report on.")
        return []
    allowed = set(Indicator.objects.filter(goal_id=ret.action.goal_id)
                  .values_list("pk", flat=True))
    cleaned: dict[int, str] = {}
    for row in rows:
        try:
            indicator = int(row["indicator"])
            value = Decimal(str(row["value"]).replace(",", ".").replace("\u00a0", "")
                            .replace(" ", ""))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            errors["indicator_values"] = _("Each indicator value needs an indicator and a "
                                           "number.")
            return []
        if indicator not in allowed:
            errors["indicator_values"] = _("An indicator does not belong to this action's "
                                           "goal.")
            return []
        if not value.is_finite():
            errors["indicator_values"] = _("Enter each indicator value as a number.")
            return []
        cleaned[indicator] = str(value)
    return [{"indicator": pk, "value": value} for pk, value in sorted(cleaned.items())]


def _write_return(ret: ReportingReturn, expected_version: int, changes: dict[str, Any],
                  *, actor: Any, verb: str) -> None:
    """Compare-and-set *changes* on the return, audited, inside the caller's transaction."""
    before = audit.snapshot(ret, [name for name in changes if name != "updated_at"])
    changes = {**changes, "updated_at": timezone.now()}
    ret.version = cas_update(ReportingReturn, ret.pk, expected_version, **changes)
    for name, value in changes.items():
        setattr(ret, name, value)
    audited = audit.changes_between(before, {k: v for k, v in changes.items()
                                             if k != "updated_at"})
    audit.record(actor=actor, verb=verb, obj=ret, changes=audited,
                 organization_id=ret.round.organization_id)


def _require_open(ret: ReportingReturn) -> None:
    if ret.round.state != ReportingRound.State.OPEN:
        raise ValidationError(_("The reporting round is closed."))


def _lock_open_round(round_id: int) -> None:
    """Lock the round's row and check again that it is open, inside the write's
    transaction: closing locks the same row, so no write lands after the freeze read."""
    state = (ReportingRound.objects.select_for_update().order_by()
             .filter(pk=round_id).values_list("state", flat=True).first())
    if state != ReportingRound.State.OPEN:
        raise ValidationError(_("The reporting round is closed."))


def save_return(*, actor: Any, ret: ReportingReturn, expected_version: int,
                **fields: Any) -> ReportingReturn:
    """Save what the person has written so far as a draft (nothing is posted yet).

    Fields: ``status``, ``progress``, ``risk``, ``done``, ``next_steps``,
    ``indicator_values`` (``[{"indicator": id, "value": "12,5"}]``); none is required.
    """
    _check_fields(fields)
    ret = _load_for_write(ret)
    _require(actor, ret, "report", _("You cannot report on this action."))
    _require_open(ret)
    if ret.state not in ReportingReturn.AWAITING_SUBMISSION:
        raise ValidationError(_("This return has been submitted and can no longer be "
                                "changed."))
    values = _clean_values(ret, fields, submit=False)
    with transaction.atomic():
        _lock_open_round(ret.round_id)
        _write_return(ret, expected_version, {**values, "state": State.DRAFT},
                      actor=actor, verb="save_return")
    return ret


def _check_fields(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(RETURN_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})


def submit_return(*, actor: Any, ret: ReportingReturn, expected_version: int,
                  **fields: Any) -> ReportingReturn:
    """Submit the return for review and post its status update, in one transaction.

    The status update carries the status, progress and risk; its comment only says which
    round it was reported in, because the return's texts stay internal until approved
    (status update comments reach public reports).
    """
    _check_fields(fields)
    ret = _load_for_write(ret)
    _require(actor, ret, "report", _("You cannot report on this action."))
    _require_open(ret)
    if ret.state not in ReportingReturn.AWAITING_SUBMISSION:
        raise ValidationError(_("This return has already been submitted."))
    values = _clean_values(ret, fields, submit=True)
    with transaction.atomic():
        _lock_open_round(ret.round_id)
        _write_return(ret, expected_version, {
            **values, "state": State.SUBMITTED, "submitted_by": _actor(actor),
            "submitted_at": timezone.now(),
        }, actor=actor, verb="submit_return")
        action = Action.objects.select_related("goal", "focus_area", "plan").get(pk=ret.action_id)
        update = action_services.post_status_update(
            actor=actor, action=action, expected_version=action.version,
            status=values["status"], progress=values["progress"], risk=values["risk"],
            comment=_("Reported for %(period)s.") % {"period": ret.round.period_label},
        )
        ReportingReturn.objects.filter(pk=ret.pk).update(status_update=update)
        ret.status_update = update
        ret.action = action
    return ret


def approve_return(*, actor: Any, ret: ReportingReturn, expected_version: int
                   ) -> ReportingReturn:
    """Approve a submitted return: its texts may now reach the report. Indicator values
    reported with it are recorded as measurements of the round's period."""
    ret = _load_for_write(ret)
    _require(actor, ret, "review", _("Only the sector leader of the unit's sector can approve "
                                     "this return."))
    _require_open(ret)
    if ret.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted return can be approved."))
    if ret.submitted_by_id is not None and ret.submitted_by_id == getattr(actor, "pk", None):
        raise deny(_("You cannot approve a return you submitted yourself."))
    with transaction.atomic():
        _lock_open_round(ret.round_id)
        _write_return(ret, expected_version, {
            "state": State.APPROVED, "reviewed_by": _actor(actor),
            "reviewed_at": timezone.now(), "review_comment": "",
        }, actor=actor, verb="approve_return")
        _record_indicator_values(actor, ret)
    return ret


def _record_indicator_values(actor: Any, ret: ReportingReturn) -> None:
    rows = ret.indicator_values or []
    if not rows:
        return
    indicators = Indicator.objects.in_bulk([row["indicator"] for row in rows])
    existing = set(Measurement.objects.filter(
        indicator__in=list(indicators), period_end=ret.round.period_end,
    ).values_list("indicator_id", flat=True))
    for row in rows:
        indicator = indicators.get(row["indicator"])
        if indicator is None or indicator.pk in existing:
            continue  # a value for the period is already recorded; it is not overwritten
        plan_services.record_measurement(
            actor=actor, indicator=indicator, value=row["value"],
            period_end=ret.round.period_end, period_label=ret.round.period_label,
            note=_("Reported with the return for %(period)s.") % {
                "period": ret.round.period_label},
        )


def send_back_return(*, actor: Any, ret: ReportingReturn, expected_version: int,
                     comment: str) -> ReportingReturn:
    """Send a submitted return back with a comment; the person is told and resubmits."""
    ret = _load_for_write(ret)
    _require(actor, ret, "review", _("Only the sector leader of the unit's sector can send "
                                     "this return back."))
    _require_open(ret)
    if ret.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted return can be sent back."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be improved.")})
    if len(comment) > TEXT_LIMIT:
        raise ValidationError({"comment": _("Write at most %(limit)s characters.")
                               % {"limit": TEXT_LIMIT}})
    with transaction.atomic():
        _lock_open_round(ret.round_id)
        _write_return(ret, expected_version, {
            "state": State.SENT_BACK, "reviewed_by": _actor(actor),
            "reviewed_at": timezone.now(), "review_comment": comment,
        }, actor=actor, verb="send_back_return")
        recipient = ret.submitted_by_id or ret.action.responsible_person_id
        if recipient is not None and recipient != getattr(actor, "pk", None):
            record_notice(recipient_id=recipient, organization_id=ret.round.organization_id,
                          action_id=ret.action_id, kind="return_sent_back",
                          key=f"r{ret.round_id}/b{ret.version}")
    return ret


# --- Assessments and closing ----------------------------------------------------------


def write_assessment(
    *,
    actor: Any,
    round: ReportingRound,
    text: str,
    focus_area: FocusArea | None = None,
    unit: Unit | None = None,
    expected_version: int | None = None,
) -> RoundAssessment:
    """Write (or rewrite) the assessment of a focus area or a sector in an open round.

    Administrators assess anything in the round; a sector leader a focus area of the
    round's plans or a sector inside their own subtree. *expected_version* is the
    version of the assessment being rewritten (``None`` when writing a new one).
    """
    org_id = round.organization_id
    if not can_assess_in(actor, org_id):
        raise deny(_("Only administrators and sector leaders write assessments."))
    if round.state != ReportingRound.State.OPEN:
        raise ValidationError(_("The reporting round is closed."))
    if (focus_area is None) == (unit is None):
        raise ValidationError({"focus_area": _("Assess either a focus area or a sector.")})
    access = get_access(actor)
    if focus_area is not None and not round.plans.filter(pk=focus_area.plan_id).exists():
        raise ValidationError({"focus_area": _("The focus area is not in this round.")})
    if unit is not None:
        if unit.organization_id != org_id:
            raise ValidationError({"unit": _("The unit belongs to another organisation.")})
        if not access.is_admin_of(org_id) and not access.leads_unit(org_id, unit):
            raise deny(_("You can only assess your own sector."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the assessment.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": _("Write at most %(limit)s characters.")
                               % {"limit": TEXT_LIMIT}})
    with transaction.atomic():
        _lock_open_round(round.pk)
        # No ordering: the default one joins the nullable focus area and unit, and rows
        # on the nullable side of an outer join cannot be locked.
        assessment = (RoundAssessment.objects.select_for_update().order_by()
                      .filter(round=round, focus_area=focus_area, unit=unit).first())
        if assessment is None:
            if expected_version is not None:
                raise VersionConflict(0, expected_version)
            assessment = RoundAssessment(round=round, focus_area=focus_area, unit=unit,
                                         text=text, author=_actor(actor))
            assessment.save()
            audit.record(actor=actor, verb="create", obj=assessment, organization_id=org_id,
                         changes=audit.created_fields(assessment))
            return assessment
        if expected_version is None:
            # Written by someone else since this form was opened empty: never overwritten.
            raise VersionConflict(assessment.version, 0)
        version = expected_version
        before = assessment.text
        assessment.version = cas_update(RoundAssessment, assessment.pk, version, text=text,
                                        author=_actor(actor), updated_at=timezone.now())
        assessment.text = text
        assessment.author = _actor(actor)
        audit.record(actor=actor, verb="update", obj=assessment, organization_id=org_id,
                     changes={"text": [before, text]})
    return assessment


def mark_round_closed(
    *,
    actor: Any,
    round: ReportingRound,
    expected_version: int,
    case_number: str,
    committee: str,
    meeting_date: date | None,
    today: date | None = None,
) -> ReportingRound:
    """Close an open round once its period has ended, with the case facts.

    The report is frozen by ``reports.round_services.close_round``, which calls this in
    the same transaction. A period that has not ended cannot be closed: a report of it
    would call later deadlines overdue and never change again.
    """
    if not get_access(actor).is_admin_of(round.organization_id):
        raise deny(_("Only an administrator of the organisation can close reporting rounds."))
    today = today or timezone.localdate()
    if round.state != ReportingRound.State.OPEN:
        raise ValidationError(_("The reporting round is already closed."))
    errors: dict[str, str] = {}
    if today <= round.period_end:
        errors["period_end"] = _(
            "%(period)s ends on %(end)s: a round can be closed from the day after.") % {
                "period": round.period_label, "end": text_date(round.period_end)}
    case_number = (case_number or "").strip()
    committee = (committee or "").strip()
    if not case_number:
        errors["case_number"] = _('Enter the case number, e.g. "2026/1234".')
    elif len(case_number) > 50:
        errors["case_number"] = _("The case number is at most 50 characters.")
    if not committee:
        errors["committee"] = _("Enter the committee the report goes to.")
    elif len(committee) > 200:
        errors["committee"] = _("The committee's name is at most 200 characters.")
    if meeting_date is None:
        errors["meeting_date"] = _("Enter the date of the committee's meeting.")
    if errors:
        raise ValidationError(errors)
    changes = {"state": ReportingRound.State.CLOSED, "case_number": case_number,
               "committee": committee, "meeting_date": meeting_date,
               "closed_by": _actor(actor), "closed_at": timezone.now()}
    with transaction.atomic():
        before = audit.snapshot(round, changes)
        round.version = cas_update(ReportingRound, round.pk, expected_version, **changes)
        for name, value in changes.items():
            setattr(round, name, value)
        audit.record(actor=actor, verb="close_round", obj=round,
                     organization_id=round.organization_id,
                     changes=audit.changes_between(before, changes))
    return round
