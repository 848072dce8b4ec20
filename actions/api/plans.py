"""The plan API's endpoints that need actions: import, export (JSON, Excel) and roll-over.

They extend ``strategies.api.views.PlanViewSet`` (whose CRUD stays in strategies); the
work is done by ``actions.api.transfer``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer

from actions.api import transfer
from strategies.api import views as plan_views


# No docstring: the schema's description of the plan endpoints is the base class's.
class PlanViewSet(plan_views.PlanViewSet):
    @transfer.IMPORT_SCHEMA
    @action(detail=False, methods=["post"], url_path="import", filter_backends=[],
            pagination_class=None, parser_classes=[MultiPartParser, FormParser])
    def import_plan(self, request: Any) -> Any:
        """Import a handlingsplan file (dry run or commit)."""
        return transfer.import_response(request)

    @transfer.EXPORT_SCHEMA
    @action(detail=True, methods=["get"], url_path="export", filter_backends=[],
            pagination_class=None)
    def export(self, request: Any, pk: Any = None) -> Any:
        """The plan as a JSON export."""
        return transfer.export_json_response(self, pk)

    @transfer.EXPORT_XLSX_SCHEMA
    @action(detail=True, methods=["get"], url_path="export-xlsx", filter_backends=[],
            pagination_class=None, renderer_classes=[JSONRenderer],
            content_negotiation_class=transfer.JsonErrorsNegotiation)
    def export_xlsx(self, request: Any, pk: Any = None) -> Any:
        """The plan as an Excel workbook."""
        return transfer.export_xlsx_response(self, pk)

    @transfer.ROLL_OVER_SCHEMA
    @action(detail=True, methods=["post"], url_path="roll-over", filter_backends=[],
            pagination_class=None)
    def roll_over(self, request: Any, pk: Any = None) -> Any:
        """Roll the plan into its next period."""
        return transfer.roll_over_response(self, request, pk)
