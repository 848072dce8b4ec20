"""State changes for reports: freeze a snapshot, render its PDF (and render again what a
lost message left pending), manage subscriptions, and send one period's report to each
subscriber exactly once.

Snapshots never name people (they are computed as the public would see them), so a
frozen PDF can be filed in a public case (offentlig journal) and shown to anonymous
readers of a public plan without leaking names.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actions.models import ReportingRound
from planportal import mail
from planportal.formatting import table_date, text_date
from planportal.languages import content_language
from planportal.mail import TransientMailError
from planportal.models import Unit
from planportal.periods import Period, last_ended, parse_period_key
from planportal.permissions import deny
from planportal.queue import enqueue_on_commit
from reports.models import Frequency, ReportDelivery, ReportSnapshot, ReportSubscription
from reports.progress import compute_progress, scope_key_for
from strategies.models import FocusArea, Plan
from strategies.permissions import can_manage_plans_of

logger = logging.getLogger(__name__)

SUBSCRIPTION_FIELDS = {"email", "name", "frequency", "language", "is_active", "starts_on"}
#: The tasks this module queues (by name: services sit below tasks).
RENDER_TASK = "reports.tasks.render_snapshot_pdf"
SEND_TASK = "reports.tasks.send_report_email"
# Snapshots re-queued per sweep at most; the next sweep takes the rest.
RENDER_SWEEP_BATCH = 200
#: Renders started for one snapshot before the sweep gives up on it: a render that kills
#: its worker (memory, time limit) would otherwise be queued again for ever.
RENDER_SWEEP_MAX_ATTEMPTS = 3


class TransientDeliveryError(TransientMailError):
    """Sending failed in a way worth retrying (see :func:`planportal.mail.is_transient`)."""


def _require_plan_admin(actor: Any, plan: Plan, message: str) -> None:
    if not can_manage_plans_of(actor, plan.organization_id):
        raise deny(message)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _data_checksum(data: dict[str, Any]) -> str:
    import json

    return _sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())


# --- Snapshots ------------------------------------------------------------------------


def create_snapshot(
    *,
    actor: Any,
    plan: Plan,
    frequency: str,
    period_key: str = "",
    as_of: date | None = None,
    since: date | None = None,
    focus_area: FocusArea | None = None,
    unit: Unit | None = None,
    preliminary: bool = False,
    today: date | None = None,
) -> ReportSnapshot:
    """Freeze the report of *plan* for a period and queue its PDF.

    A period is either a standard one (``frequency`` monthly/tertial/yearly and its
    ``period_key``, e.g. "2025-T2") or ``custom`` with an ``as_of`` date. The same
    period and scope frozen twice gives back the first snapshot, unchanged.

    A period that has not ended (*today* on or before its last day) is refused: its
    report would call later deadlines overdue and could never change. With
    *preliminary* it is frozen as a *foreløpig* report instead: as of *today*, labelled
    so, under its own scope key (one a day) and never sent by the subscription sweep.
    A period that has ended is frozen as the final report whatever *preliminary* says.
    """
    _require_plan_admin(actor, plan, _("Only the plan's administrators can freeze reports."))
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if focus_area is not None and focus_area.plan_id != plan.pk:
        errors["focus_area"] = _("The focus area belongs to another plan.")
    if unit is not None and unit.organization_id != plan.organization_id:
        errors["unit"] = _("The unit belongs to another organisation.")
    period: Period | None = None
    if frequency == Frequency.CUSTOM:
        if as_of is None:
            errors["as_of"] = _("Choose the date the report is frozen for.")
    elif frequency in Frequency.values:
        try:
            period = parse_period_key(frequency, period_key)
        except ValueError as exc:
            # parse_period_key says what is wrong (the format, or the year's range).
            errors["period_key"] = str(exc)
    else:
        errors["frequency"] = _("Unknown kind of period.")
    if errors:
        raise ValidationError(errors)

    def period_label() -> str:
        """The period's name in the active language."""
        if period is not None:
            return period.label
        assert as_of is not None
        return _("As of %(date)s") % {"date": table_date(as_of)}

    # The messages below speak the user's language; the stored label is the document's.
    label = period_label()
    with translation.override(content_language(plan.organization)):
        document_label = period_label()
    if period is not None:
        start, end, key = period.start, period.end, period.key
        since = since or period.previous().end
    else:
        assert as_of is not None
        start = end = as_of
        key = as_of.isoformat()
    scope_key = scope_key_for(focus_area, unit)
    unfinished = today <= end
    if unfinished and not preliminary:
        if period is not None:
            message = _("%(period)s has not ended (it ends on %(end)s): it can be frozen "
                        "from the day after, or now as a preliminary report.") % {
                            "period": label, "end": text_date(end)}
        else:
            message = _("%(date)s has not ended: choose an earlier date, or freeze the "
                        "report as a preliminary one.") % {"date": text_date(end)}
        raise ValidationError({"period_key" if period is not None else "as_of": message})
    if unfinished and today < start:
        raise ValidationError({"period_key" if period is not None else "as_of": _(
            "%(period)s has not begun: there is nothing to report yet.") % {"period": label}})
    if unfinished:
        # As of today: a later deadline in the period is not overdue yet.
        end = max(today, start)
        scope_key = f"p{today:%Y%m%d}:{scope_key}"
        with translation.override(content_language(plan.organization)):
            document_label = _("%(period)s (preliminary)") % {"period": document_label}
    if since is not None and since > end:
        raise ValidationError({"since": _("The start of the changes must be before the report "
                                          "date.")})

    def build() -> dict[str, Any]:
        # In the kommune's målform (freeze() makes it the active language).
        data = compute_progress(plan, as_of=end, since=since, focus_area=focus_area,
                                unit=unit, public=True, include_changes=True,
                                period_start=start)
        data["round"] = None
        return data

    return freeze(plan=plan, actor=actor, scope_key=scope_key, frequency=frequency,
                  period_key=key, period_label=document_label, period_start=start,
                  period_end=end, build=build, focus_area=focus_area, unit=unit,
                  preliminary=unfinished)


def freeze(
    *,
    plan: Plan,
    actor: Any,
    scope_key: str,
    frequency: str,
    period_key: str,
    period_label: str,
    period_start: date,
    period_end: date,
    build: Callable[[], dict[str, Any]],
    focus_area: FocusArea | None = None,
    unit: Unit | None = None,
    round: Any = None,
    preliminary: bool = False,
) -> ReportSnapshot:
    """Store one frozen report and queue its PDF: the one code path of every snapshot
    (:func:`create_snapshot`, the sweep, ``reports.round_services.close_round``).

    The caller has checked permission and period. *build* computes the data (only when
    no snapshot of this plan, scope and period exists yet: then that one is returned,
    unchanged). ``data["preliminary"]`` is set here, so it always matches the row.

    A frozen report is in one language, its kommune's målform: *build* runs with it
    active, and ``data["language"]`` records it, so the PDF, the Word document and the
    workbook made from the data later are in the language the data was frozen in.
    """
    lookup = {"plan": plan, "scope_key": scope_key, "frequency": frequency,
              "period_key": period_key}
    existing = ReportSnapshot.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    language = content_language(plan.organization)
    with translation.override(language):
        data = build()
    data["preliminary"] = preliminary
    data["language"] = language
    snapshot = ReportSnapshot(
        **lookup, focus_area=focus_area, unit=unit, round=round, preliminary=preliminary,
        period_label=period_label, period_start=period_start, period_end=period_end,
        since=date.fromisoformat(data["since"]), data=data, data_sha256=_data_checksum(data),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        # Frozen at the same moment by someone else (two sweeps): theirs stands.
        return ReportSnapshot.objects.get(**lookup)
    enqueue_on_commit(RENDER_TASK, snapshot.pk)
    return snapshot


def period_label_in_language(frequency: str, period_key: str) -> str | None:
    """A period's label in the active language, from its key ("2026-T2" → "2. tertial
    2026", a custom period's date → "Per 30.06.2027"); None for a key it cannot read."""
    try:
        if frequency == Frequency.CUSTOM:
            day = date.fromisoformat(period_key)
            return _("As of %(date)s") % {"date": table_date(day)}
        return parse_period_key(frequency, period_key).label
    except ValueError:
        return None


def document_period_label(snapshot: ReportSnapshot) -> str:
    """The snapshot's period in the active language ("2. tertial 2026", "Per 30.06.2027").

    A report frozen before målform stored its label in its freezer's language ("As of
    31.08.2026" in a Bokmål report); a document is in one language, so the label is made
    again from the key, in the language the report was frozen in."""
    label = period_label_in_language(snapshot.frequency, snapshot.period_key)
    if label is None:
        return snapshot.period_label
    if snapshot.preliminary:
        label = _("%(period)s (preliminary)") % {"period": label}
    return label


def document_data(snapshot: ReportSnapshot) -> dict[str, Any]:
    """The snapshot's data with its round's period labels made again in the active
    language, for its PDF (a round opened before målform stored them in its opener's)."""
    data = snapshot.data
    round_ = data.get("round")
    if snapshot.round_id is None or not isinstance(round_, dict):
        return data
    data = {**data, "round": {**round_, "period_label": period_label_in_language(
        snapshot.frequency, snapshot.period_key) or round_.get("period_label")}}
    changes = data.get("changes")
    previous = changes.get("previous_round") if isinstance(changes, dict) else None
    if isinstance(previous, dict) and previous.get("id"):
        row = (ReportingRound.objects.filter(pk=previous["id"])
               .values_list("frequency", "period_key").first())
        label = period_label_in_language(*row) if row else None
        if label:
            data["changes"] = {**changes, "previous_round": {**previous, "period_label": label}}
    return data


def render_snapshot_pdf(snapshot_id: int) -> ReportSnapshot | None:
    """Render a snapshot's PDF from its frozen data: PENDING/FAILED → READY or FAILED.

    Safe to run twice or at once: the row is locked while rendering and a READY
    snapshot is returned untouched, so its PDF is never replaced. A failure keeps the
    error on the row; running again tries again.
    """
    from reports.pdf import html_to_pdf, render_report_html_for_pdf

    # The attempt is counted in a transaction of its own, so a render that kills its
    # worker is counted all the same (and the sweep stops queuing it).
    started = ReportSnapshot.objects.filter(pk=snapshot_id).exclude(
        status=ReportSnapshot.Status.READY).update(attempts=F("attempts") + 1)
    with transaction.atomic():
        snapshot = ReportSnapshot.objects.select_for_update().filter(pk=snapshot_id).first()
        if snapshot is None:
            logger.warning("Snapshot %s is gone; nothing to render.", snapshot_id)
            return None
        if snapshot.status == ReportSnapshot.Status.READY or not started:
            return snapshot
        try:
            # In the language it was frozen in, whatever a worker has active.
            with translation.override(snapshot.language):
                html = render_report_html_for_pdf(document_data(snapshot),
                                                  document_period_label(snapshot))
            content, pages = html_to_pdf(html)
        except Exception as exc:
            logger.exception("Rendering snapshot %s failed.", snapshot_id)
            snapshot.status = ReportSnapshot.Status.FAILED
            snapshot.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            snapshot.save(update_fields=["status", "last_error", "attempts"])
            return snapshot
        checksum = _sha256(content)
        name = default_storage.save(
            f"reports/snapshots/{snapshot.plan_id}/{snapshot.pk}-{checksum[:16]}.pdf",
            ContentFile(content),
        )
        snapshot.pdf.name = name
        snapshot.pdf_sha256 = checksum
        snapshot.pdf_size = len(content)
        snapshot.pdf_pages = pages
        snapshot.status = ReportSnapshot.Status.READY
        snapshot.last_error = ""
        snapshot.rendered_at = timezone.now()
        snapshot.save(update_fields=["pdf", "pdf_sha256", "pdf_size", "pdf_pages", "status",
                                     "last_error", "attempts", "rendered_at"])
        return snapshot


def freeze_message(snapshot: ReportSnapshot) -> str:
    """What to tell the user who froze *snapshot*: frozen, and honestly whether its PDF
    exists yet (with a worker it is made later; with the broker down, by the sweep)."""
    status = ReportSnapshot.objects.filter(pk=snapshot.pk).values_list("status", flat=True)
    period = {"period": snapshot.period_label}
    match status.first():
        case ReportSnapshot.Status.READY:
            return _("The report for %(period)s is frozen and its PDF is ready.") % period
        case ReportSnapshot.Status.FAILED:
            return _("The report for %(period)s is frozen, but its PDF could not be made.") % (
                period)
    return _("The report for %(period)s is frozen. Its PDF is being made and can be "
             "downloaded from the list below in a few minutes.") % period


def renders_left_pending(now: datetime | None = None) -> Any:
    """PENDING snapshots frozen more than ``REPORT_RENDER_RETRY_AFTER`` seconds ago.

    Younger ones are left to the render their freeze queued; FAILED ones keep their
    error for an administrator (a render that fails for good would fail every sweep).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.REPORT_RENDER_RETRY_AFTER)
    return ReportSnapshot.objects.filter(status=ReportSnapshot.Status.PENDING,
                                         created_at__lte=cutoff).order_by("pk")


def requeue_pending_renders(now: datetime | None = None) -> list[int]:
    """Queue the PDF render again for every snapshot :func:`renders_left_pending` finds.

    :func:`create_snapshot` queues the render after its commit, and robustly: with Redis
    down the freeze is saved but the message is lost, and a worker killed mid-render
    leaves the row PENDING too. Nothing else would ever render those, so this beat sweep
    does, as the reminder and report sweeps publish again what the database says is
    still due. Safe to run at any time: a render in progress holds its row locked, and
    locked rows are skipped (SKIP LOCKED on PostgreSQL); a render queued twice renders
    once, because :func:`render_snapshot_pdf` locks the row and leaves READY ones alone.
    Returns the ids queued.
    """
    with transaction.atomic():
        rows = list(renders_left_pending(now).select_for_update(skip_locked=True)
                    .values_list("pk", "attempts")[:RENDER_SWEEP_BATCH])
        given_up = [pk for pk, attempts in rows if attempts >= RENDER_SWEEP_MAX_ATTEMPTS]
        ids = [pk for pk, attempts in rows if attempts < RENDER_SWEEP_MAX_ATTEMPTS]
        ReportSnapshot.objects.filter(pk__in=given_up).update(
            status=ReportSnapshot.Status.FAILED,
            last_error=f"The render never finished in {RENDER_SWEEP_MAX_ATTEMPTS} attempts.")
        for pk in ids:
            # After the commit, so the render's own lock never waits on this one.
            enqueue_on_commit(RENDER_TASK, pk)
    if given_up:
        logger.error("Gave up rendering snapshot(s) %s after %d attempts.", given_up,
                     RENDER_SWEEP_MAX_ATTEMPTS)
    if ids:
        logger.warning("Queued the PDF render again for %d snapshot(s) left pending: %s",
                       len(ids), ids)
    return ids


# --- Subscriptions --------------------------------------------------------------------


def create_subscription(*, actor: Any, plan: Plan, email: str, **fields: Any) -> ReportSubscription:
    """Add a committee recipient of *plan*'s periodic report (plan administrators only)."""
    _require_plan_admin(actor, plan, _("Only the plan's administrators can manage recipients."))
    unknown = set(fields) - SUBSCRIPTION_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    subscription = ReportSubscription(
        plan=plan, email=email.strip().lower(), **fields,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def update_subscription(*, actor: Any, subscription: ReportSubscription,
                        **changes: Any) -> ReportSubscription:
    """Change a recipient's address, name, frequency, language, start or pause it."""
    _require_plan_admin(actor, subscription.plan,
                        _("Only the plan's administrators can manage recipients."))
    unknown = set(changes) - SUBSCRIPTION_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.")
                               for name in sorted(unknown)})
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
    for name, value in changes.items():
        setattr(subscription, name, value)
    subscription.full_clean()
    subscription.save(update_fields=sorted(changes) or None)
    return subscription


# --- The sweep ------------------------------------------------------------------------


@dataclass
class DueReport:
    subscription: ReportSubscription
    period: Period


@dataclass
class SweepResult:
    """What a sweep found due and what it queued."""

    due: list[DueReport] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    snapshots: list[int] = field(default_factory=list)


def due_reports(today: date, organization_id: int | None = None) -> list[DueReport]:
    """Each active subscription (to a plan of one kommune, with *organization_id*) with
    the latest period that has ended before *today*."""
    due = []
    subscriptions = ReportSubscription.objects.active().select_related("plan__organization")
    if organization_id is not None:
        subscriptions = subscriptions.filter(plan__organization_id=organization_id)
    for subscription in subscriptions.order_by("plan_id", "pk"):
        period = last_ended(subscription.frequency, today)
        if period.end >= subscription.starts_on:
            due.append(DueReport(subscription, period))
    return due


def _rounds_of(due: list[DueReport]) -> dict[tuple[int, str, str], tuple[int, str]]:
    """The reporting round, if any, of each due (plan, frequency, period): one query."""
    if not due:
        return {}
    rows = ReportingRound.objects.filter(
        plans__in={item.subscription.plan_id for item in due},
        frequency__in={item.period.frequency for item in due},
        period_key__in={item.period.key for item in due},
    ).values_list("plans", "frequency", "period_key", "pk", "state")
    return {(plan_id, frequency, key): (pk, state)
            for plan_id, frequency, key, pk, state in rows}


def period_snapshot(plan: Plan, period: Period, today: date | None = None,
                    round_state: tuple[int, str] | None = None) -> ReportSnapshot | None:
    """The snapshot the sweep sends for *plan* and *period*, or ``None`` to wait.

    With a reporting round for the period (*round_state*: its id and state), the
    round's own report once it is closed, and nothing while it is open (the round's
    close queues the e-mails; a later sweep would find them too). Without a round, the
    whole-plan snapshot of the period, frozen now if it does not exist yet.
    """
    from planportal.permissions import SystemActor

    if round_state is not None:
        round_id, state = round_state
        if state != "closed":
            return None
        return ReportSnapshot.objects.filter(plan=plan, round_id=round_id,
                                             preliminary=False).first()
    return create_snapshot(actor=SystemActor("report sweep"), plan=plan,
                           frequency=period.frequency, period_key=period.key, today=today)


def kommuner_with_reports() -> list[int]:
    """The kommuner a split report sweep (:func:`reports.tasks.send_due_reports`) makes a
    part for: those with an active subscription or a delivery still pending (one query).
    Few kommuner subscribe, so a part for every kommune would mostly find nothing."""
    subscribed = (ReportSubscription.objects.active().order_by()
                  .values_list("plan__organization_id", flat=True))
    pending = (ReportDelivery.objects.filter(status=ReportDelivery.Status.PENDING).order_by()
               .values_list("subscription__plan__organization_id", flat=True))
    return sorted(set(subscribed.union(pending).order_by()))


def send_due_reports(today: date | None = None, *, dry_run: bool = False,
                     organization_id: int | None = None) -> SweepResult:
    """Find every report due by *today*, record one delivery per recipient and period,
    and queue the e-mails. Running it twice queues nothing new: the delivery row's
    unique key (subscription, period) is claimed before any e-mail is sent. A plan
    whose reporting round for the period is still open waits for the round's report;
    a preliminary report is never sent.

    With *organization_id*, one kommune's part (the subscriptions to its plans, and its
    pending deliveries): the parts together do what the whole does, each as idempotent.
    """
    today = today or timezone.localdate()
    result = SweepResult(due=due_reports(today, organization_id))
    if dry_run:
        return result
    rounds = _rounds_of(result.due)
    snapshots: dict[tuple[int, str, str], ReportSnapshot | None] = {}
    rows = []
    for item in result.due:
        key = (item.subscription.plan_id, item.period.frequency, item.period.key)
        if key not in snapshots:
            snapshots[key] = period_snapshot(item.subscription.plan, item.period, today,
                                             rounds.get(key))
        snapshot = snapshots[key]
        if snapshot is None or snapshot.preliminary:
            continue
        rows.append(ReportDelivery(subscription=item.subscription, snapshot=snapshot,
                                   period_key=item.period.key, email=item.subscription.email))
    result.snapshots = [snapshot.pk for snapshot in snapshots.values() if snapshot is not None]
    result.queued = queue_deliveries(rows, organization_id)
    return result


def queue_deliveries(rows: list[ReportDelivery],
                     organization_id: int | None = None) -> list[int]:
    """Record *rows* (one per subscription and period: an existing row wins, so nothing
    is sent twice) and queue every delivery still pending (of one kommune, with
    *organization_id*), also those of earlier sweeps whose queueing failed. Returns the
    ids queued."""
    with transaction.atomic():
        ReportDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        pending_rows = ReportDelivery.objects.filter(status=ReportDelivery.Status.PENDING)
        if organization_id is not None:
            pending_rows = pending_rows.filter(
                subscription__plan__organization_id=organization_id)
        pending = list(pending_rows.order_by("pk").values_list("pk", flat=True))
        for delivery_id in pending:
            enqueue_on_commit(SEND_TASK, delivery_id)
    return pending


# --- Sending one e-mail ---------------------------------------------------------------


def _release(delivery_id: int, error: str) -> None:
    ReportDelivery.objects.filter(pk=delivery_id, status=ReportDelivery.Status.SENDING).update(
        status=ReportDelivery.Status.PENDING, last_error=error[:mail.ERROR_MAX_LENGTH]
    )


def _fail(delivery_id: int, error: str) -> None:
    ReportDelivery.objects.filter(pk=delivery_id).exclude(
        status=ReportDelivery.Status.SENT
    ).update(status=ReportDelivery.Status.FAILED, last_error=error[:mail.ERROR_MAX_LENGTH])


def snapshot_url(snapshot: ReportSnapshot) -> str:
    return settings.SITE_URL + reverse(
        "reports:snapshot-download", args=[snapshot.plan_id, snapshot.pk, "pdf"]
    )


def build_report_email(delivery: ReportDelivery, snapshot: ReportSnapshot) -> EmailMessage:
    """The e-mail for one delivery, in the recipient's language (the subscription's, else
    the målform of the plan's kommune); PDF attached or linked."""
    subscription = delivery.subscription
    limit = getattr(settings, "REPORT_EMAIL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
    attach = (snapshot.pdf_size or 0) <= limit
    language = subscription.language or content_language(snapshot.plan.organization)
    with translation.override(language):
        context = {
            "plan": snapshot.plan, "snapshot": snapshot, "subscription": subscription,
            "attached": attach, "url": snapshot_url(snapshot),
            "totals": snapshot.data["totals"],
        }
        subject = _("Progress report: %(plan)s – %(period)s") % {
            "plan": snapshot.plan.title, "period": snapshot.period_label}
        body = render_to_string("reports/email/report.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()), body=body, to=[delivery.email],
        headers={"Message-ID": make_msgid(idstring=f"report-delivery-{delivery.pk}")},
    )
    if attach:
        with snapshot.pdf.open("rb") as pdf:
            message.attach(f"{snapshot.plan.title} – {snapshot.period_label}.pdf".replace("/", "-"),
                           pdf.read(), "application/pdf")
    return message


def send_report_delivery(delivery_id: int) -> str:
    """Send one delivery: claim it, make sure its PDF exists, send, then mark it SENT.

    Returns what happened ("sent", "skipped", "failed"). A transient error puts the
    delivery back to PENDING and raises :class:`TransientDeliveryError` for a retry,
    until :func:`max_attempts` is reached; then, like a permanent error, it is FAILED.
    Nothing is marked sent before the SMTP server has accepted the message.
    """
    if not mail.claim(ReportDelivery, delivery_id, pending=ReportDelivery.Status.PENDING,
                      sending=ReportDelivery.Status.SENDING):
        return "skipped"  # sent, failed for good, or being sent by another worker
    delivery = ReportDelivery.objects.select_related(
        "subscription", "snapshot__plan__organization"
    ).get(pk=delivery_id)
    snapshot = delivery.snapshot
    if snapshot.preliminary:
        # Never sent, whoever recorded the delivery: a preliminary report can change.
        _fail(delivery_id, _("A preliminary report is never sent."))
        return "failed"
    if snapshot.status != ReportSnapshot.Status.READY:
        snapshot = render_snapshot_pdf(snapshot.pk)
    if snapshot is None or snapshot.status != ReportSnapshot.Status.READY:
        error = snapshot.last_error if snapshot else "snapshot missing"
        _fail(delivery_id, _("The PDF could not be made: %(error)s") % {"error": error})
        return "failed"
    message = build_report_email(delivery, snapshot)
    try:
        message.send()
    except Exception as exc:
        error = mail.error_text(exc)
        if mail.is_transient(exc) and delivery.attempts < max_attempts():
            _release(delivery_id, error)
            raise TransientDeliveryError(error) from exc
        _fail(delivery_id, error)
        return "failed"
    ReportDelivery.objects.filter(pk=delivery_id).update(
        status=ReportDelivery.Status.SENT, sent_at=timezone.now(), last_error="",
        message_id=message.extra_headers.get("Message-ID", ""), attached=bool(message.attachments),
    )
    return "sent"


def max_attempts() -> int:
    """Sending attempts per delivery before it is FAILED for good (dead letter)."""
    return getattr(settings, "REPORT_EMAIL_MAX_ATTEMPTS", 6)


def retry_delay(retries: int) -> int:
    """Seconds before retry number *retries* + 1: doubling from the base, at most 10 min
    (and never near the broker's visibility timeout), with jitter."""
    return mail.backoff(retries, base=getattr(settings, "REPORT_EMAIL_RETRY_BASE_DELAY", 30),
                        cap=min(600, settings.CELERY_VISIBILITY_TIMEOUT // 2))


def sweep_date(value: str | None) -> date:
    """The sweep's date from an ISO string (task argument), or today."""
    return date.fromisoformat(value) if value else timezone.localdate()

