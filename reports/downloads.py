"""A frozen report as a file: its stored PDF, or its frozen data as Word, Excel or JSON."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from reports.models import ReportSnapshot

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def attachment(content: bytes, content_type: str, filename: str,
               inline: bool = False) -> HttpResponse:
    """*content* as a download named *filename* (UTF-8 safe), or shown inline."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def snapshot_file(snapshot: ReportSnapshot, fmt: str, name: str) -> Any:
    """The frozen report in *fmt*: the stored PDF (409 while it is being made or if it
    failed), or a Word document, a workbook or the JSON made from the frozen data.

    Every format is in the language the report was frozen in (``snapshot.language``, its
    kommune's målform), whatever language the page that links it is in: the plan text
    in it is in that language, and a document is in one language.
    """
    if fmt not in FORMATS:
        raise Http404
    if fmt == "pdf":
        if snapshot.status != ReportSnapshot.Status.READY:
            message = (_("The PDF is still being made; try again in a few minutes.")
                       if snapshot.status == ReportSnapshot.Status.PENDING
                       else _("The PDF could not be made."))
            return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
        return FileResponse(snapshot.pdf.open("rb"), content_type=FORMATS["pdf"],
                            filename=f"{name}.pdf")
    if fmt == "docx":
        from reports.docx import render_report_docx

        content = render_report_docx(snapshot.data, snapshot.period_label,
                                     language=snapshot.language)
    elif fmt == "xlsx":
        from reports.xlsx import render_report_xlsx

        content = render_report_xlsx(snapshot.data, snapshot.period_label,
                                     language=snapshot.language)
    else:
        content = json.dumps(snapshot.data, ensure_ascii=False, indent=2).encode()
    return attachment(content, FORMATS[fmt], f"{name}.{fmt}")
