"""Report pages: /reports/plans/<id>/ (HTML), report.pdf, report.xlsx and snapshots."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("plans/<int:pk>/", views.plan_report, name="plan-report"),
    path("plans/<int:pk>/report.pdf", views.plan_report_pdf, name="plan-report-pdf"),
    path("plans/<int:pk>/report.xlsx", views.plan_report_xlsx, name="plan-report-xlsx"),
    path("plans/<int:pk>/snapshots/", views.snapshot_list, name="snapshot-list"),
    path("plans/<int:pk>/snapshots/compare/", views.snapshot_compare, name="snapshot-compare"),
    path("plans/<int:pk>/snapshots/<int:snapshot_pk>/report.<str:fmt>",
         views.snapshot_download, name="snapshot-download"),
]
