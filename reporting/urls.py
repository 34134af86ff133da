from django.urls import path

from . import report_views, views

app_name = "reporting"

urlpatterns = [
    path("laporan/lra/", views.lra, name="lra"),
    path("laporan/semester/", report_views.semester, name="semester"),
    path("laporan/tahunan/", report_views.year_end, name="year-end"),
    path("laporan/kinerja/", report_views.performance, name="performance"),
    path("laporan/konsistensi/", report_views.consistency, name="consistency"),
    path("realisasi/", views.realization, name="realization"),
    path("realisasi/catat/", views.realization_record, name="realization-record"),
    path("realisasi/bulan/", views.realization_month, name="realization-month"),
    path("realisasi/kemajuan/", views.realization_progress, name="realization-progress"),
    path("realisasi/impor/", views.realization_import, name="realization-import"),
    path("dokumen/", views.job_list, name="jobs"),
    path("dokumen/minta/", views.job_request, name="job-request"),
    path("dokumen/impor/rka/<int:pk>/", views.rka_import, name="rka-import"),
    path("dokumen/<int:pk>/", views.job_detail, name="job"),
    path("dokumen/<int:pk>/unduh/", views.job_download, name="job-download"),
    path("dokumen/<int:pk>/ulang/", views.job_retry, name="job-retry"),
    path("apbd/<int:year>/dokumen/<int:number>/<str:kind>/", views.public_document, name="public-document"),
]
