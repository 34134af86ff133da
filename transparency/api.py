"""The public API, /api/v1/public/…: read-only, without sign-in, open to any origin (CORS), limited per
address. It serves only published APBD versions: a draft answers 404 like a missing one.

- `apbd/`: the published versions, with the addresses of their data;
- `apbd/{year}/facts/`: the budget lines (facts), cut by any classification, paged;
- `apbd/{year}/aggregate/`: sums and counts per drill-down over any classification, with cuts and order
  (OpenSpending's babbage model).

`?versi=<n>` picks one version of the year; without it, the year's latest published version.
"""

import hashlib

from django.core.cache import cache
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from masterdata.api_base import PortalPagination

from . import api_params
from .selectors import facts

TAG = "Publik: APBD yang diterbitkan"
ANSWER_SECONDS = 24 * 3600


class PublicRateThrottle(SimpleRateThrottle):
    """Requests per client address (settings PUBLIC_API_RATE), counted in the portal's cache, signed in or not."""

    scope = "public_api"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    allowed_params = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_params.refuse_unknown(request.query_params, self.allowed_params)
        api_params.version_number(request.query_params)  # a malformed one is a 400 before any lookup

    def version(self, request, year):
        return facts.public_apbd_version_for(year, api_params.version_number(request.query_params))

    def kept(self, request, version, compute):
        """The answer for this version and address, from the cache when it was computed before: a published
        version never changes. The version itself is looked up every time, so the year's latest moves to a
        new publication at once."""
        # The publication moment too: a database restored or rebuilt reuses ids, never the same moment.
        address = f"{version.pk}|{version.published_at}|{request.build_absolute_uri()}"
        key = f"public-api:{hashlib.sha256(address.encode()).hexdigest()}"
        data = cache.get(key)
        if data is None:
            data = compute()
            cache.set(key, data, ANSWER_SECONDS)
        return data


# --- Documentation --------------------------------------------------------------------------------

YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="Tahun anggaran.")


def _count(maximum=None):
    """A whole number from 1 (to `maximum`): what api_params accepts."""
    return {"type": "integer", "minimum": 1, "maximum": maximum or 999_999_999}


VERSI = OpenApiParameter(
    "versi",
    _count(),
    description="Urutan versi APBD pada tahun itu (1 = murni); bawaan: versi terakhir yang diterbitkan.",
)
PAGE = OpenApiParameter("page", _count(), description="Nomor halaman, mulai dari 1.")
CUT = OpenApiParameter(
    "cut",
    str,
    description=(
        "Saringan `dimensi:kode`, beberapa dipisah `|` (semuanya berlaku), beberapa kode satu dimensi dipisah `;` "
        "(salah satunya). Dimensi: " + ", ".join(facts.DIMENSIONS) + ". Contoh: `akun:5|opd:1.02.0.00.0.00.01.0000`."
    ),
    pattern=api_params.PATTERNS["cut"],
)
THROTTLED = OpenApiResponse(
    description="Terlalu banyak permintaan dari alamat ini; coba lagi sesudah `Retry-After` detik."
)
MISSING = OpenApiResponse(description="Tidak ada versi APBD terbit dengan tahun (dan urutan) itu.")


def _code_fields():
    fields = {}
    for key, dimension in facts.DIMENSIONS.items():
        fields[f"kode_{key}"] = serializers.CharField(help_text=f"Kode {dimension.label} (kosong bila tidak ada).")
        fields[f"nama_{key}"] = serializers.CharField(help_text=f"Nama {dimension.label}.")
    return fields


FactSerializer = type(
    "PublicFact",
    (serializers.Serializer,),
    {
        "tahun": serializers.IntegerField(),
        "versi": serializers.IntegerField(),
        "jenis_versi": serializers.ChoiceField(choices=["murni", "pergeseran", "perubahan"]),
        "tahap": serializers.ChoiceField(choices=["approved", "adjusted"], help_text="Tahap anggaran (OFDP)."),
        "id": serializers.IntegerField(help_text="Nomor baris rincian."),
        **_code_fields(),
        "uraian": serializers.CharField(),
        "lokasi": serializers.CharField(),
        "penerima": serializers.CharField(),
        "jumlah": serializers.DecimalField(max_digits=20, decimal_places=2),
        "mata_uang": serializers.CharField(),
        "__doc__": "Satu rincian anggaran versi terbit dengan semua klasifikasinya.",
    },
)


class PublicFactPageSerializer(serializers.Serializer):
    """A page of facts, as every list of the API is paged."""

    count = serializers.IntegerField(help_text="Banyak rincian seluruhnya.")
    next = serializers.URLField(allow_null=True, help_text="Halaman berikutnya.")
    previous = serializers.URLField(allow_null=True, help_text="Halaman sebelumnya.")
    results = FactSerializer(many=True)


class PublicBalanceSerializer(serializers.Serializer):
    """The version's totals as published (the stored ringkasan)."""

    pendapatan = serializers.DecimalField(max_digits=20, decimal_places=2)
    belanja = serializers.DecimalField(max_digits=20, decimal_places=2)
    penerimaan_pembiayaan = serializers.DecimalField(max_digits=20, decimal_places=2)
    pengeluaran_pembiayaan = serializers.DecimalField(max_digits=20, decimal_places=2)


class PublicVersionSerializer(serializers.Serializer):
    tahun = serializers.IntegerField()
    versi = serializers.IntegerField()
    jenis_versi = serializers.CharField()
    nama = serializers.CharField()
    tahap = serializers.CharField()
    diterbitkan = serializers.DateTimeField(allow_null=True)
    ringkasan = PublicBalanceSerializer()
    datapackage = serializers.URLField(help_text="Fiscal Data Package (OFDP) versi ini.")
    facts = serializers.URLField()
    aggregate = serializers.URLField()


class PublicCellSerializer(serializers.Serializer):
    """A cell: the code and name (`<dimensi>_nama`) of each drill-down dimension, and its aggregates."""

    sum = serializers.DecimalField(max_digits=20, decimal_places=2, required=False, help_text="Jumlah rupiah.")
    count = serializers.IntegerField(required=False, help_text="Banyak rincian.")


class PublicSummarySerializer(serializers.Serializer):
    sum = serializers.DecimalField(max_digits=20, decimal_places=2, required=False)
    count = serializers.IntegerField(required=False)


class PublicAggregateSerializer(serializers.Serializer):
    tahun = serializers.IntegerField()
    versi = serializers.IntegerField()
    drilldown = serializers.ListField(child=serializers.CharField())
    cut = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    order = serializers.ListField(child=serializers.CharField())
    aggregates = serializers.ListField(child=serializers.CharField())
    page = serializers.IntegerField()
    pagesize = serializers.IntegerField()
    total_cell_count = serializers.IntegerField()
    summary = PublicSummarySerializer()
    cells = serializers.ListField(child=serializers.DictField(), help_text=PublicCellSerializer.__doc__)


# --- Views ------------------------------------------------------------------------------------------


def _version_entry(request, version, balance):
    year, number = version.fiscal_year.year, version.number
    base = reverse("api-public-facts", args=[year])
    return {
        "tahun": year,
        "versi": number,
        "jenis_versi": version.kind,
        "nama": str(version),
        "tahap": facts.PHASE[version.kind],
        "diterbitkan": version.published_at,
        "ringkasan": balance,
        "datapackage": request.build_absolute_uri(reverse("opendata:package", args=[year, number])),
        "facts": request.build_absolute_uri(f"{base}?versi={number}"),
        "aggregate": request.build_absolute_uri(f"{reverse('api-public-aggregate', args=[year])}?versi={number}"),
    }


class VersionListView(PublicView):
    @extend_schema(
        operation_id="v1_public_apbd_list",
        summary="Versi APBD yang diterbitkan",
        description="Semua versi APBD terbit, tahun terbaru dahulu, dengan alamat data terbuka dan API-nya.",
        tags=[TAG],
        auth=[],
        responses={200: PublicVersionSerializer(many=True), 429: THROTTLED},
    )
    def get(self, request):
        versions = list(facts.public_apbd_versions())
        balances = facts.published_balances(versions)
        entries = [_version_entry(request, version, balances[version.pk]) for version in versions]
        return Response(PublicVersionSerializer(entries, many=True).data)


class FactsView(PublicView):
    allowed_params = ("versi", "cut", "page", "page_size")

    @extend_schema(
        operation_id="v1_public_apbd_facts_list",
        summary="Rincian (fakta) APBD terbit",
        description=(
            "Rincian anggaran satu versi terbit, urut menurut nomor baris, dengan setiap klasifikasinya: OPD, urusan, "
            "bidang, program, kegiatan, sub-kegiatan, akun sampai sub rincian objek, sumber dana."
        ),
        tags=[TAG],
        auth=[],
        parameters=[
            YEAR,
            VERSI,
            CUT,
            PAGE,
            OpenApiParameter(
                "page_size",
                _count(PortalPagination.max_page_size),
                description=(
                    f"Baris per halaman (bawaan {PortalPagination.page_size}, "
                    f"paling banyak {PortalPagination.max_page_size})."
                ),
            ),
        ],
        responses={200: PublicFactPageSerializer, 404: MISSING, 429: THROTTLED},
    )
    def get(self, request, year):
        cuts = api_params.cuts(request.query_params)  # every parameter is read before the version is looked up
        version = self.version(request, year)

        def compute():
            paginator = PortalPagination()
            page = paginator.paginate_queryset(facts.public_facts(version, cuts=cuts), request, view=self)
            rows = FactSerializer(facts.fact_rows(version, page), many=True).data
            return paginator.get_paginated_response(rows).data

        return Response(self.kept(request, version, compute))


class AggregateView(PublicView):
    allowed_params = ("versi", "drilldown", "cut", "order", "aggregates", "page", "pagesize")

    @extend_schema(
        operation_id="v1_public_apbd_aggregate_retrieve",
        summary="Agregat APBD terbit (drilldown, cut)",
        description=(
            "Jumlah (`sum`) dan banyak rincian (`count`) per gabungan kode dimensi `drilldown`, disaring `cut`, "
            "diurutkan `order`, per halaman; `summary` memuat agregat semua sel. Model: babbage (OpenSpending)."
        ),
        tags=[TAG],
        auth=[],
        parameters=[
            YEAR,
            VERSI,
            OpenApiParameter(
                "drilldown",
                str,
                description="Dimensi pengelompokan dipisah `|`: " + ", ".join(facts.DIMENSIONS) + ".",
                pattern=api_params.PATTERNS["drilldown"],
            ),
            CUT,
            OpenApiParameter(
                "order",
                str,
                description=(
                    "Urutan `kunci[:asc|desc]` dipisah `|`; kunci: `sum`, `count` atau dimensi drilldown (dimensi lain "
                    "tidak berlaku; `order` pada jawaban memuat urutan yang dipakai). Lalu menurut kode drilldown."
                ),
                pattern=api_params.PATTERNS["order"],
            ),
            OpenApiParameter(
                "aggregates",
                str,
                description="Agregat yang dihitung, dipisah `|`: `sum`, `count` (bawaan: keduanya).",
                pattern=api_params.PATTERNS["aggregates"],
            ),
            PAGE,
            OpenApiParameter(
                "pagesize",
                _count(api_params.MAX_PAGE_SIZE),
                description=(
                    f"Sel per halaman (bawaan {api_params.DEFAULT_PAGE_SIZE}, "
                    f"paling banyak {api_params.MAX_PAGE_SIZE})."
                ),
            ),
        ],
        responses={200: PublicAggregateSerializer, 404: MISSING, 429: THROTTLED},
    )
    def get(self, request, year):
        params = request.query_params
        drilldown = api_params.drilldown(params)
        cuts = api_params.cuts(params)
        order = api_params.order(params, drilldown)
        wanted = api_params.aggregates(params)
        page, size = api_params.paging(params)
        version = self.version(request, year)

        def compute():
            result = facts.aggregate(
                version, drilldown=drilldown, cuts=cuts, order=order, offset=(page - 1) * size, limit=size
            )
            if page > 1 and not result.cells:
                raise NotFound(PortalPagination.invalid_page_message.format(page_number=page))
            body = {
                "tahun": year,
                "versi": version.number,
                "drilldown": drilldown,
                "cut": cuts,
                "order": [f"{key}:{'desc' if descending else 'asc'}" for key, descending in order],
                "aggregates": wanted,
                "page": page,
                "pagesize": size,
                "total_cell_count": result.total_cell_count,
                "summary": {key: value for key, value in result.summary.items() if key in wanted},
                "cells": [_cell(cell, wanted) for cell in result.cells],
            }
            return PublicAggregateSerializer(body).data

        return Response(self.kept(request, version, compute))


def _cell(cell, wanted):
    """A cell with the aggregates asked for; the sum as text to the sen, like every amount of the API."""
    kept = {key: value for key, value in cell.items() if key not in facts.AGGREGATES or key in wanted}
    if "sum" in kept:
        kept["sum"] = f"{kept['sum']:.2f}"
    return kept
