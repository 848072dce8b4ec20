"""Reporting round pages (namespace ``rounds``): /rapportering/… and the public round
reports under /offentlig/planer/<plan>/rapporter/…"""

from django.urls import path

from reports import round_views as views

app_name = "rounds"

urlpatterns = [
    path("rapportering/", views.round_list, name="list"),
    path("rapportering/ny/", views.open_round, name="open"),
    path("rapportering/<int:pk>/", views.round_detail, name="detail"),
    path("rapportering/<int:pk>/rapporter/<int:return_pk>/", views.return_form, name="return"),
    path("rapportering/<int:pk>/rapporter/<int:return_pk>/vurder/", views.review_return,
         name="review"),
    path("rapportering/<int:pk>/vurdering/", views.assessment, name="assessment"),
    path("rapportering/<int:pk>/lukk/", views.close_round, name="close"),
    path("rapportering/<int:pk>/rapport.<str:fmt>", views.download, name="download"),
    path("offentlig/planer/<int:pk>/rapporter/<int:snapshot_pk>/", views.public_report,
         name="public-report"),
    path("offentlig/planer/<int:pk>/rapporter/<int:snapshot_pk>/rapport.pdf",
         views.public_report_pdf, name="public-report-pdf"),
]
