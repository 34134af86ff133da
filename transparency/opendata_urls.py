"""Open data: /open-data/apbd/<year>/… (the year's latest published version) and …/versi/<n>/… (one version).
Their page, /open-data/, is a public page in both languages (bondowoso/urls.py)."""

from django.urls import path

from . import opendata

app_name = "opendata"

urlpatterns = [
    path("apbd/<int:year>/datapackage.json", opendata.package, name="package-latest"),
    path("apbd/<int:year>/versi/<int:number>/datapackage.json", opendata.package, name="package"),
    path("apbd/<int:year>/versi/<int:number>/rincian.<slug:extension>", opendata.lines, name="lines"),
    path("apbd/<int:year>/versi/<int:number>/agregat.<slug:extension>", opendata.aggregate, name="aggregate"),
    path("apbd/<int:year>/<slug:key>.<slug:extension>", opendata.table, name="table-latest"),
    path("apbd/<int:year>/versi/<int:number>/<slug:key>.<slug:extension>", opendata.table, name="table"),
]
