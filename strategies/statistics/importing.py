"""Import a statistics-bank dataset as measurements of a kommune's indicators.

An indicator follows one table and content code (``Indicator.statistics_table``,
``statistics_content``); the dataset's cells for the kommune (its region code
``Organization.kommunenummer``, "3424", or "K-3424" as some tables write it) become the
indicators' measurements, one per period of the time dimension, and the whole
country's cell for the same content and period ("0", or "EAK" in KOSTRA tables) their
national average. The country's rows are read for that only and are not reported.

Every other cell is reported with the table, region, time, content code and why it was
skipped: another region, a content code no indicator follows, a period that is not read,
a missing value (null, or one of SSB's symbols for a figure that is not there). The
report lists the first :data:`MAX_LISTED` and counts the rest.

Importing the same file again changes nothing. A value for a period the indicator
already has is left alone when it is the same. When it differs, the measurement is
revised (through :func:`strategies.services.record_statistics`, audited with the old
value) only if this import recorded it, that is its source is this table: SSB publishes
preliminary KOSTRA figures in March and revised ones in June, and the kommune wants the
revised figure. A value entered by hand or from another source is never overwritten: it
is reported as a conflict for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from planportal.audit.context import current_origin, origin
from planportal.formatting import number
from planportal.models import Organization
from strategies import services
from strategies.models import Indicator, Measurement
from strategies.statistics.jsonstat import Cell, Dataset, Limits, parse
from strategies.statistics.periods import StatisticsPeriod, statistics_period

#: The whole country's region codes: Region "0" (Hele landet), KOSTRA's "EAK" (Landet).
NATIONAL_REGIONS = ("0", "EAK")
#: Skipped cells listed in a report; the rest are counted.
MAX_LISTED = 500
_CENT = Decimal("0.01")
#: Measurement.value has 14 digits, two of them decimals.
_LARGEST = Decimal("1e12")


def missing_meaning(symbol: str) -> str:
    """What SSB's symbol for a missing figure means (its standard symbols), or ""."""
    return {
        ".": _("the category cannot occur"),
        "..": _("the figure is not available"),
        "...": _("the figure is not available yet"),
        ":": _("the figure is hidden for confidentiality"),
    }.get(symbol, "")


class StatisticsRefused(Exception):
    """The dataset cannot be imported for this kommune at all; nothing was written."""


@dataclass(frozen=True)
class SkippedCell:
    """A cell that was not recorded, where it is and why."""

    table: str
    region: str
    time: str
    content: str
    reason: str

    def __str__(self) -> str:
        return _("Table %(table)s, region %(region)s, time %(time)s, content code "
                 "%(content)s: %(reason)s") % {
            "table": self.table, "region": self.region, "time": self.time,
            "content": self.content, "reason": self.reason}


@dataclass(frozen=True)
class RecordedValue:
    """A measurement the import recorded or revised."""

    indicator: str
    period: str
    value: Decimal
    national_average: Decimal | None

    def __str__(self) -> str:
        text = f"{self.indicator}, {self.period}: {number(self.value)}"
        if self.national_average is not None:
            text += " " + _("(national average %(value)s)") % {
                "value": number(self.national_average)}
        return text


@dataclass
class StatisticsReport:
    """What an import recorded, revised, left alone and skipped."""

    table: str
    organization: str
    dry_run: bool = False
    created: list[RecordedValue] = field(default_factory=list)
    updated: list[RecordedValue] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[SkippedCell] = field(default_factory=list)
    skipped_count: int = 0

    def skip(self, cell: SkippedCell) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(cell)

    @property
    def unlisted(self) -> int:
        return self.skipped_count - len(self.skipped)

    def summary(self) -> str:
        return _("Table %(table)s for %(kommune)s: %(created)s new, %(updated)s revised, "
                 "%(unchanged)s unchanged, %(skipped)s cells skipped.") % {
            "table": self.table, "kommune": self.organization, "created": len(self.created),
            "updated": len(self.updated), "unchanged": self.unchanged,
            "skipped": self.skipped_count}


def source_of(table: str) -> str:
    """The measurement's source for a table: "SSB, tabell 12345" in the active language."""
    return _("SSB, table %(table)s") % {"table": table}


def _sources_of(table: str) -> set[str]:
    """The source text of *table* in every language, so a kommune that changed its
    målform still knows its own imports."""
    sources = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            sources.add(source_of(table))
    return sources


def _dimension(dataset: Dataset, role: str, names: Iterable[str]) -> str | None:
    """The dimension with *role*, else the first whose id is one of *names*."""
    for dimension_id in dataset.role.get(role, ()):
        return dimension_id
    wanted = tuple(name.lower() for name in names)
    for dimension_id in dataset.ids:
        # KOSTRA tables name their region dimension KOKkommuneregion0000.
        if dimension_id.lower() in wanted or (
                role == "geo" and dimension_id.lower().startswith("kokkommuneregion")):
            return dimension_id
    return None


def _rounded(value: Decimal | None) -> Decimal | None:
    """*value* to the measurement's two decimals; None when it does not fit one."""
    if value is None:
        return None
    try:
        rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return rounded if rounded.is_finite() and abs(rounded) < _LARGEST else None


@dataclass(frozen=True)
class _Layout:
    """Which dimension of the dataset holds the regions, content codes and periods."""

    region: str
    content: str
    time: str


def _layout(dataset: Dataset) -> _Layout:
    region = _dimension(dataset, "geo", ["Region"])
    content = _dimension(dataset, "metric", ["ContentsCode"])
    time = _dimension(dataset, "time", ["Tid"])
    if region is None:
        raise StatisticsRefused(_("The dataset has no region dimension (role «geo», or a "
                                  "dimension named Region)."))
    if content is None:
        raise StatisticsRefused(_("The dataset has no content dimension (role «metric», or "
                                  "a dimension named ContentsCode)."))
    if time is None:
        raise StatisticsRefused(_("The dataset has no time dimension (role «time», or a "
                                  "dimension named Tid)."))
    for dimension in dataset.dimensions:
        if dimension.id not in (region, content, time) and len(dimension.codes) > 1:
            raise StatisticsRefused(_(
                "Dimension «%(dimension)s» has %(count)s categories: a value per kommune, "
                "content code and period must be unambiguous, so choose one category of it "
                "in the query.") % {"dimension": dimension.label, "count": len(dimension.codes)})
    return _Layout(region, content, time)


def _table(dataset: Dataset, table: str) -> str:
    table = (table or "").strip()
    if not table and not dataset.table:
        raise StatisticsRefused(_("The file does not say which table it is from; give the "
                                  "table's number."))
    if table and dataset.table and table != dataset.table:
        raise StatisticsRefused(_("The file is from table %(found)s, not %(table)s.")
                                % {"found": dataset.table, "table": table})
    return table or dataset.table


def import_statistics(*, actor: Any, organization: Organization, dataset: Dataset,
                      table: str = "", dry_run: bool = False) -> StatisticsReport:
    """Record the dataset's values for the kommune's indicators; the report says what
    happened to every cell. ``dry_run`` reports the same and writes nothing.

    :class:`StatisticsRefused` when the dataset cannot be read for the kommune (no
    municipality number, no region, content or time dimension, another table);
    PermissionDenied unless *actor* administers the kommune.
    """
    services.require_plan_admin(actor, organization.pk)
    if not organization.kommunenummer:
        raise StatisticsRefused(_("%(kommune)s has no municipality number: the platform "
                                  "operator sets it in the organisation admin.")
                                % {"kommune": organization.name})
    table = _table(dataset, table)
    layout = _layout(dataset)
    report, values = _Matcher(organization, dataset, table, layout).run()
    report.dry_run = dry_run
    if values and not dry_run:
        # A command has no origin of its own; a request or task keeps its id.
        marker = origin("import", f"SSB {table}") if not current_origin().kind \
            else nullcontext()
        with marker:
            services.record_statistics(actor=actor, organization=organization, values=values)
    return report


class _Matcher:
    """Goes through the cells once, matching them to indicators and their measurements."""

    def __init__(self, organization: Organization, dataset: Dataset, table: str,
                 layout: _Layout) -> None:
        self.organization, self.dataset, self.table, self.layout = (
            organization, dataset, table, layout)
        self.report = StatisticsReport(table=table, organization=organization.name)
        self.values: list[services.StatisticsValue] = []
        number_ = organization.kommunenummer
        self.own_regions = {number_, f"K-{number_}"}
        # What is stored is in the kommune's language; the report in the reader's.
        with translation.override(organization.language):
            self.source = source_of(table)
        self.own_sources = _sources_of(table)
        indicators = (Indicator.objects
                      .filter(goal__focus_area__plan__organization=organization,
                              statistics_table=table)
                      .exclude(statistics_content="")
                      .select_related("goal__focus_area__plan")
                      .prefetch_related(Prefetch("measurements",
                                                 queryset=Measurement.objects.all())))
        self.by_content: dict[str, list[Indicator]] = {}
        self.stored: dict[tuple[int, Any], Measurement] = {}
        for indicator in indicators:
            self.by_content.setdefault(indicator.statistics_content, []).append(indicator)
            for measurement in indicator.measurements.all():
                self.stored[(indicator.pk, measurement.period_end)] = measurement
        self.periods: dict[str, StatisticsPeriod | str] = {}

    def run(self) -> tuple[StatisticsReport, list[services.StatisticsValue]]:
        national = self._national_values()
        seen: set[tuple[int, Any]] = set()
        for cell in self.dataset.cells():
            region = cell.codes[self.layout.region]
            if region in NATIONAL_REGIONS:
                continue
            content, time = cell.codes[self.layout.content], cell.codes[self.layout.time]
            reason = self._cell_problem(cell, region, content, time)
            if reason:
                self._skip(cell, reason)
                continue
            period = self.periods[time]
            assert isinstance(period, StatisticsPeriod)
            value = _rounded(cell.value)
            if value is None:
                self._skip(cell, _("the value %(value)s is too large to record")
                           % {"value": cell.value})
                continue
            for indicator in self.by_content[content]:
                key = (indicator.pk, period.end)
                if key in seen:
                    self._skip(cell, _("the file gives a second value for «%(indicator)s» "
                                       "and %(period)s; the first is used")
                               % {"indicator": indicator.name, "period": period.label})
                    continue
                seen.add(key)
                self._match(cell, indicator, period, value, national.get((content, time)))
        return self.report, self.values

    def _national_values(self) -> dict[tuple[str, str], Decimal]:
        national: dict[tuple[str, str], Decimal] = {}
        for cell in self.dataset.cells():
            if cell.codes[self.layout.region] not in NATIONAL_REGIONS:
                continue
            value = None if missing_meaning(cell.status) else _rounded(cell.value)
            key = (cell.codes[self.layout.content], cell.codes[self.layout.time])
            if value is not None:
                national.setdefault(key, value)  # "0" and "EAK" both: the first
        return national

    def _period(self, time: str) -> StatisticsPeriod | str:
        """The period of a time code, or why it is not read (worked out once per code)."""
        if time not in self.periods:
            try:
                with translation.override(self.organization.language):
                    self.periods[time] = statistics_period(time)
            except ValueError:
                try:
                    statistics_period(time)
                except ValueError as exc:  # the same refusal, in the reader's language
                    self.periods[time] = str(exc)
        return self.periods[time]

    def _cell_problem(self, cell: Cell, region: str, content: str, time: str) -> str:
        if region not in self.own_regions:
            return _("the region is not %(kommune)s (%(number)s)") % {
                "kommune": self.organization.name, "number": self.organization.kommunenummer}
        if content not in self.by_content:
            return _("no indicator of %(kommune)s follows content code %(content)s of table "
                     "%(table)s") % {"kommune": self.organization.name, "content": content,
                                     "table": self.table}
        period = self._period(time)
        if isinstance(period, str):
            return period
        meaning = missing_meaning(cell.status)
        if meaning:
            return _("the value is missing: %(meaning)s (%(symbol)s)") % {
                "meaning": meaning, "symbol": cell.status}
        if cell.value is None:
            return _("the value is missing")
        return ""

    def _skip(self, cell: Cell, reason: str) -> None:
        codes = cell.codes
        self.report.skip(SkippedCell(table=self.table, region=codes[self.layout.region],
                                     time=codes[self.layout.time],
                                     content=codes[self.layout.content], reason=reason))

    def _match(self, cell: Cell, indicator: Indicator, period: StatisticsPeriod,
               value: Decimal, national: Decimal | None) -> None:
        stored = self.stored.get((indicator.pk, period.end))
        recorded = RecordedValue(indicator.name, period.label, value, national)
        if stored is None:
            self.values.append(services.StatisticsValue(
                indicator=indicator, period_end=period.end, period_label=period.label,
                value=value, national_average=national, source=self.source))
            self.report.created.append(recorded)
            return
        ours = stored.source in self.own_sources
        new_national = stored.national_average if national is None else national
        if stored.value != value and not ours:
            self._skip(cell, _(
                "«%(indicator)s» already has %(stored)s for %(period)s, entered by hand or "
                "from another source; the file's %(value)s is not recorded") % {
                "indicator": indicator.name, "stored": number(stored.value),
                "period": period.label, "value": number(value)})
            return
        if new_national != stored.national_average and stored.national_average is not None \
                and not ours:
            self._skip(cell, _(
                "«%(indicator)s» already has the national average %(stored)s for "
                "%(period)s from another source; the file's %(value)s is not recorded") % {
                "indicator": indicator.name, "stored": number(stored.national_average),
                "period": period.label, "value": number(national)})
            return
        if stored.value == value and new_national == stored.national_average:
            self.report.unchanged += 1
            return
        self.values.append(services.StatisticsValue(
            indicator=indicator, period_end=period.end, period_label=stored.period_label,
            value=value, national_average=new_national,
            source=self.source if ours else stored.source, measurement=stored))
        self.report.updated.append(RecordedValue(indicator.name, period.label, value,
                                                 new_national))


def read_dataset(content: bytes) -> Dataset:
    """A file's JSON-stat dataset, within ``STATISTICS_IMPORT_MAX_BYTES``."""
    return parse(content, Limits(max_bytes=settings.STATISTICS_IMPORT_MAX_BYTES))
