"""The planning API (mounted at /api/v1/): RPJMD and Renstra targets, proposals, Renja and the RKPD.

Views stay thin: reads come scoped from planning.selectors and masterdata.access (an object that is not
yours answers 404 like a missing one), writes go through the services, whose refusals the shared
exception handler turns into 403 (not allowed), 400 (invalid) and 409 (a move that does not apply, or
a save based on an old version).
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from masterdata import access
from masterdata.errors import StaleObject
from masterdata.importers import InvalidFile
from masterdata.models import FiscalYear

from . import excel, selectors, services, target_services
from . import filters as planning_filters
from . import serializers as s

TAG_RPJMD, TAG_RENSTRA, TAG_PROPOSAL, TAG_RENJA, TAG_RKPD = "RPJMD", "Renstra", "Usulan", "Renja", "RKPD"
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id.")
YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="Tahun anggaran, mis. 2024.")
XLSX_RESPONSE = {
    (200, excel.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Berkas Excel (.xlsx).")
}
CONFLICT_TRANSITION = OpenApiResponse(
    description=(
        "Tindakan tidak berlaku pada status sekarang: galat `transition_not_allowed` memuat juga `current` "
        "(tahap/status sekarang) dan `allowed` (tindakan yang berlaku)."
    )
)
CONFLICT_STALE = OpenApiResponse(
    description="Baris sudah diubah orang lain: galat `stale` memuat juga `current`, nilai baris yang terbaru."
)
MISSING_REFERENCE = OpenApiResponse(
    description="Kode atau id yang dirujuk masukan tidak ada atau bukan milik Anda; `field` menunjuk masukannya."
)
STILL_USED = OpenApiResponse(description="Masih dirujuk data lain, sehingga tidak dapat dihapus.")
IMPORT_NOTE = (
    " Semua baris atau tidak sama sekali: bila ada satu baris bermasalah tidak ada yang dimuat, dan jawaban 400 "
    "memuat satu galat per masalah dengan `field` = `file.<nomor baris>` (baris 1 = judul kolom, `file.0` = "
    "seluruh berkas)."
)


def _invalid_file(exc):
    """An import's bad rows as a 400 in the error format, one error per problem, keyed by line."""
    by_line = {}
    for error in exc.errors:
        by_line.setdefault(str(error.line), []).append(ErrorDetail(str(error), code="invalid_row"))
    return ValidationError({"file": by_line})


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PlanningViewSet(viewsets.GenericViewSet):
    # PUT is not offered: every change is a PATCH of the fields that change.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def valid(self, serializer_class, *, partial=False, **context):
        serializer = serializer_class(
            data=self.request.data, partial=partial, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.resolve()

    def answer(self, instance, serializer_class=None, *, status_code=status.HTTP_200_OK):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=status_code)

    def page(self, queryset, serializer_class):
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            serializer_class(rows, many=True, context=self.get_serializer_context()).data
        )

    def get_object(self):
        return access.get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class ListMixin:
    def list(self, request):
        return self.page(self.filter_queryset(self.get_queryset()), self.get_serializer_class())


class RetrieveMixin:
    def retrieve(self, request, pk):
        return self.answer(self.get_object())


def _import(run):
    try:
        return Response(s.ImportResultSerializer(run()).data)
    except InvalidFile as exc:
        raise _invalid_file(exc) from exc


# --- RPJMD ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Daftar RPJMD", tags=[TAG_RPJMD]),
    retrieve=extend_schema(summary="Satu RPJMD", parameters=[ID], tags=[TAG_RPJMD]),
    create=extend_schema(
        summary="Buat RPJMD (Bappeda)",
        request=s.RpjmdInputSerializer,
        responses={201: s.RpjmdSerializer},
        tags=[TAG_RPJMD],
    ),
    partial_update=extend_schema(
        summary="Ubah RPJMD (Bappeda)", parameters=[ID], request=s.RpjmdInputSerializer, tags=[TAG_RPJMD]
    ),
)
class RpjmdViewSet(ListMixin, RetrieveMixin, PlanningViewSet):
    serializer_class = s.RpjmdSerializer

    def get_queryset(self):
        return selectors.rpjmds_for(self.request.user)

    def create(self, request):
        rpjmd = target_services.create_rpjmd(actor=request.user, **self.valid(s.RpjmdInputSerializer))
        return self.answer(rpjmd, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        rpjmd = self.get_object()
        changes = self.valid(s.RpjmdInputSerializer, partial=True)
        return self.answer(target_services.update_rpjmd(actor=request.user, rpjmd=rpjmd, **changes))

    @extend_schema(
        methods=["GET"],
        summary="Tujuan RPJMD beserta sasarannya",
        parameters=[ID],
        responses=s.RpjmdGoalSerializer(many=True),
        tags=[TAG_RPJMD],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tambah tujuan RPJMD (Bappeda)",
        parameters=[ID],
        request=s.RpjmdGoalInputSerializer,
        responses={201: s.RpjmdGoalSerializer},
        tags=[TAG_RPJMD],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def goals(self, request, pk):
        rpjmd = self.get_object()
        if request.method == "GET":
            return self.page(selectors.rpjmd_goals_for(request.user, rpjmd=rpjmd), s.RpjmdGoalSerializer)
        goal = target_services.create_rpjmd_goal(
            actor=request.user, rpjmd=rpjmd, **self.valid(s.RpjmdGoalInputSerializer)
        )
        return self.answer(goal, s.RpjmdGoalSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Impor tabel tujuan dan sasaran RPJMD dari Excel (Bappeda)",
        description=(
            "Kolom: kode_tujuan, tujuan, kode_sasaran, sasaran, indikator, satuan, kondisi_awal, target_1 sampai "
            "target_5. Tujuan dan sasaran yang kodenya sudah ada diperbarui." + IMPORT_NOTE
        ),
        parameters=[ID],
        request={"multipart/form-data": s.ImportInputSerializer},
        responses=s.ImportResultSerializer,
        tags=[TAG_RPJMD],
    )
    @action(detail=True, methods=["post"], url_path="import-targets", parser_classes=[MultiPartParser])
    def import_targets(self, request, pk):
        rpjmd = self.get_object()
        upload = self.valid(s.ImportInputSerializer)["file"]
        return _import(
            lambda: target_services.import_rpjmd_targets(
                actor=request.user, rpjmd=rpjmd, source=upload, filename=upload.name
            )
        )


@extend_schema_view(
    retrieve=extend_schema(summary="Satu tujuan RPJMD", parameters=[ID], tags=[TAG_RPJMD]),
    partial_update=extend_schema(
        summary="Ubah tujuan RPJMD (Bappeda)", parameters=[ID], request=s.RpjmdGoalInputSerializer, tags=[TAG_RPJMD]
    ),
    destroy=extend_schema(
        summary="Hapus tujuan RPJMD (Bappeda)",
        parameters=[ID],
        responses={204: None, 400: STILL_USED},
        tags=[TAG_RPJMD],
    ),
)
class RpjmdGoalViewSet(RetrieveMixin, PlanningViewSet):
    serializer_class = s.RpjmdGoalSerializer

    def get_queryset(self):
        return selectors.rpjmd_goals_for(self.request.user)

    def partial_update(self, request, pk):
        goal = self.get_object()
        changes = self.valid(s.RpjmdGoalInputSerializer, partial=True)
        target_services.update_rpjmd_goal(actor=request.user, goal=goal, **changes)
        return self.answer(self.get_object())

    def destroy(self, request, pk):
        target_services.delete_rpjmd_goal(actor=request.user, goal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary="Sasaran satu tujuan RPJMD",
        parameters=[ID],
        responses=s.RpjmdTargetSerializer(many=True),
        tags=[TAG_RPJMD],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tambah sasaran RPJMD (Bappeda)",
        parameters=[ID],
        request=s.RpjmdTargetInputSerializer,
        responses={201: s.RpjmdTargetSerializer},
        tags=[TAG_RPJMD],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def targets(self, request, pk):
        goal = self.get_object()
        if request.method == "GET":
            return self.page(selectors.rpjmd_targets_for(request.user, goal=goal), s.RpjmdTargetSerializer)
        target = target_services.create_rpjmd_target(
            actor=request.user, goal=goal, **self.valid(s.RpjmdTargetInputSerializer)
        )
        return self.answer(target, s.RpjmdTargetSerializer, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="Satu sasaran RPJMD", parameters=[ID], tags=[TAG_RPJMD]),
    partial_update=extend_schema(
        summary="Ubah sasaran RPJMD (Bappeda)", parameters=[ID], request=s.RpjmdTargetInputSerializer, tags=[TAG_RPJMD]
    ),
    destroy=extend_schema(
        summary="Hapus sasaran RPJMD (Bappeda)",
        parameters=[ID],
        responses={204: None, 400: STILL_USED},
        tags=[TAG_RPJMD],
    ),
)
class RpjmdTargetViewSet(RetrieveMixin, PlanningViewSet):
    serializer_class = s.RpjmdTargetSerializer

    def get_queryset(self):
        return selectors.rpjmd_targets_for(self.request.user)

    def partial_update(self, request, pk):
        target = self.get_object()
        changes = self.valid(s.RpjmdTargetInputSerializer, partial=True)
        return self.answer(target_services.update_rpjmd_target(actor=request.user, target=target, **changes))

    def destroy(self, request, pk):
        target_services.delete_rpjmd_target(actor=request.user, target=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Renstra ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Daftar Renstra OPD", tags=[TAG_RENSTRA]),
    retrieve=extend_schema(summary="Satu Renstra", parameters=[ID], tags=[TAG_RENSTRA]),
    create=extend_schema(
        summary="Buat Renstra (staf OPD untuk OPD-nya)",
        request=s.RenstraInputSerializer,
        responses={201: s.RenstraSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_RENSTRA],
    ),
    destroy=extend_schema(
        summary="Hapus Renstra (staf OPD)", parameters=[ID], responses={204: None, 400: STILL_USED}, tags=[TAG_RENSTRA]
    ),
)
class RenstraViewSet(ListMixin, RetrieveMixin, PlanningViewSet):
    serializer_class = s.RenstraSerializer
    filterset_class = planning_filters.RenstraFilterSet

    def get_queryset(self):
        return selectors.renstras_for(self.request.user)

    def create(self, request):
        renstra = target_services.create_renstra(actor=request.user, **self.valid(s.RenstraInputSerializer))
        return self.answer(renstra, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, pk):
        target_services.delete_renstra(actor=request.user, renstra=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary="Program Renstra dan sasaran RPJMD yang dilayaninya",
        parameters=[ID],
        responses=s.RenstraProgramSerializer(many=True),
        tags=[TAG_RENSTRA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tambah program Renstra (staf OPD)",
        parameters=[ID],
        request=s.RenstraProgramInputSerializer,
        responses={201: s.RenstraProgramSerializer},
        tags=[TAG_RENSTRA],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def programs(self, request, pk):
        renstra = self.get_object()
        if request.method == "GET":
            programs = selectors.renstra_programs_for(request.user, renstra=renstra)
            return self.page(programs, s.RenstraProgramSerializer)
        values = self.valid(s.RenstraProgramInputSerializer, renstra=renstra)
        row = target_services.create_renstra_program(actor=request.user, renstra=renstra, **values)
        return self.answer(row, s.RenstraProgramSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Impor program Renstra dari Excel (staf OPD)",
        description=(
            "Kolom: kode_program, kode_sasaran_rpjmd (atau kode_tujuan/kode_sasaran bila kode sasaran berulang), "
            "indikator, satuan, kondisi_awal, target_1 sampai target_5. Pasangan program dan sasaran yang sudah ada "
            "diperbarui." + IMPORT_NOTE
        ),
        parameters=[ID],
        request={"multipart/form-data": s.ImportInputSerializer},
        responses=s.ImportResultSerializer,
        tags=[TAG_RENSTRA],
    )
    @action(detail=True, methods=["post"], url_path="import-programs", parser_classes=[MultiPartParser])
    def import_programs(self, request, pk):
        renstra = self.get_object()
        upload = self.valid(s.ImportInputSerializer)["file"]
        return _import(
            lambda: target_services.import_renstra_programs(
                actor=request.user, renstra=renstra, source=upload, filename=upload.name
            )
        )


@extend_schema_view(
    retrieve=extend_schema(summary="Satu program Renstra", parameters=[ID], tags=[TAG_RENSTRA]),
    partial_update=extend_schema(
        summary="Ubah program Renstra (staf OPD)",
        parameters=[ID],
        request=s.RenstraProgramInputSerializer,
        tags=[TAG_RENSTRA],
    ),
    destroy=extend_schema(
        summary="Hapus program Renstra (staf OPD)",
        parameters=[ID],
        responses={204: None, 400: STILL_USED},
        tags=[TAG_RENSTRA],
    ),
)
class RenstraProgramViewSet(RetrieveMixin, PlanningViewSet):
    serializer_class = s.RenstraProgramSerializer

    def get_queryset(self):
        return selectors.renstra_programs_for(self.request.user)

    def partial_update(self, request, pk):
        row = self.get_object()
        changes = self.valid(s.RenstraProgramInputSerializer, partial=True, renstra=row.renstra)
        return self.answer(target_services.update_renstra_program(actor=request.user, renstra_program=row, **changes))

    def destroy(self, request, pk):
        target_services.delete_renstra_program(actor=request.user, renstra_program=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Proposals --------------------------------------------------------------------------------


def _proposal_action(summary, request_serializer, description=""):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[ID],
        request=request_serializer,
        responses={200: s.ProposalDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_PROPOSAL],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Daftar usulan musrenbang, forum OPD, pokir dan warga",
        description="Usulan yang lolos moderasi; Bappeda melihat juga usulan warga yang menunggu moderasi.",
        tags=[TAG_PROPOSAL],
    ),
    retrieve=extend_schema(
        summary="Satu usulan dengan riwayat statusnya",
        parameters=[ID],
        responses=s.ProposalDetailSerializer,
        tags=[TAG_PROPOSAL],
    ),
    create=extend_schema(
        summary="Ajukan usulan",
        description=(
            "Sumber yang boleh: staf OPD `forum_opd`, Bappeda `desa` dan `kecamatan` (hasil musrenbang), DPRD "
            "`pokir`. Sumber lain dijawab 403."
        ),
        request=s.ProposalInputSerializer,
        responses={201: s.ProposalDetailSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_PROPOSAL],
    ),
)
class ProposalViewSet(ListMixin, PlanningViewSet):
    serializer_class = s.ProposalSerializer
    filterset_class = planning_filters.ProposalFilterSet

    def get_queryset(self):
        return selectors.proposals_for(self.request.user).order_by("-created_at", "-pk")

    def get_object(self):
        return selectors.proposal_with_history(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, pk):
        return self.answer(self.get_object(), s.ProposalDetailSerializer)

    def create(self, request):
        proposal = services.submit_proposal(actor=request.user, **self.valid(s.ProposalInputSerializer))
        self.kwargs["pk"] = proposal.pk
        return self.answer(self.get_object(), s.ProposalDetailSerializer, status_code=status.HTTP_201_CREATED)

    def _decide(self, serializer_class, service):
        """Run a decision on the proposal named in the address, then answer with its new state."""
        proposal = self.get_object()
        service(actor=self.request.user, proposal=proposal, **self.valid(serializer_class))
        return self.answer(self.get_object(), s.ProposalDetailSerializer)

    @_proposal_action(
        "Moderasi usulan warga (Bappeda)",
        s.ModerateInputSerializer,
        "Lolos: usulan terlihat umum dan masuk kajian. Tidak lolos: ditolak dengan catatan, tetap tidak terlihat.",
    )
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk):
        return self._decide(s.ModerateInputSerializer, services.moderate_proposal)

    @_proposal_action(
        "Naikkan tahap usulan (Bappeda)",
        s.NoteInputSerializer,
        "Desa/kelurahan → kecamatan → forum OPD → kabupaten.",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk):
        return self._decide(s.NoteInputSerializer, services.advance_proposal_stage)

    @_proposal_action(
        "Akomodasi usulan ke baris Renja (OPD tujuan atau Bappeda)",
        s.AcceptInputSerializer,
        "Baris Renja harus dari tahun anggaran usulan; staf OPD hanya memilih baris Renja OPD-nya.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk):
        return self._decide(s.AcceptInputSerializer, services.accept_proposal)

    @_proposal_action("Tolak usulan dengan alasan (OPD tujuan atau Bappeda)", s.RejectInputSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        return self._decide(s.RejectInputSerializer, services.reject_proposal)

    @_proposal_action("Tunda usulan ke tahun berikutnya (OPD tujuan atau Bappeda)", s.DeferInputSerializer)
    @action(detail=True, methods=["post"])
    def defer(self, request, pk):
        return self._decide(s.DeferInputSerializer, services.defer_proposal)


# --- Renja ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Daftar Renja",
        description="Staf OPD: Renja OPD-nya; Bappeda, keuangan, auditor: semua; DPRD: yang sudah final.",
        tags=[TAG_RENJA],
    ),
    retrieve=extend_schema(
        summary="Satu Renja dengan riwayat tahapannya",
        parameters=[ID],
        responses=s.RenjaDetailSerializer,
        tags=[TAG_RENJA],
    ),
    create=extend_schema(
        summary="Mulai Renja OPD untuk satu tahun (staf OPD-nya atau Bappeda)",
        request=s.RenjaCreateSerializer,
        responses={201: s.RenjaDetailSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_RENJA],
    ),
)
class RenjaViewSet(ListMixin, PlanningViewSet):
    serializer_class = s.RenjaSerializer
    filterset_class = planning_filters.RenjaFilterSet

    def get_queryset(self):
        return selectors.renjas_for(self.request.user).order_by("opd__code", "-fiscal_year__year", "pk")

    def _detail(self, pk):
        return self.answer(selectors.renja_with_transitions(self.request.user, pk), s.RenjaDetailSerializer)

    def _renja(self):
        return selectors.renja_for(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, pk):
        return self._detail(pk)

    def create(self, request):
        data = self.valid(s.RenjaCreateSerializer)
        renja = services.create_renja(actor=request.user, opd=data["opd"], fiscal_year=data["year"])
        response = self._detail(renja.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="Pindahkan Renja di siklusnya",
        description=(
            "`submit` (staf OPD-nya, saat draf atau dikembalikan), `return` (Bappeda, dengan catatan), `verify`, "
            "`advance` ke tahap berikutnya dan `finalise` (Bappeda). Tindakan yang tidak berlaku dijawab 409 "
            "dengan status sekarang dan tindakan yang berlaku."
        ),
        parameters=[ID],
        request=s.TransitionInputSerializer,
        responses={200: s.RenjaDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_RENJA],
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk):
        renja = self._renja()
        data = self.valid(s.TransitionInputSerializer)
        services.transition_renja(actor=request.user, renja=renja, **data)
        return self._detail(pk)

    @extend_schema(
        methods=["GET"],
        summary="Baris (sub-kegiatan) Renja",
        parameters=[ID],
        responses=s.RenjaLineSerializer(many=True),
        tags=[TAG_RENJA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tambah baris Renja (staf OPD-nya, saat draf atau dikembalikan)",
        parameters=[ID],
        request=s.RenjaLineInputSerializer,
        responses={201: s.RenjaLineSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_RENJA],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def lines(self, request, pk):
        renja = self._renja()
        if request.method == "GET":
            return self.page(selectors.renja_lines(renja), s.RenjaLineSerializer)
        values = self.valid(s.RenjaLineInputSerializer, renja=renja)
        line = services.add_renja_line(actor=request.user, renja=renja, regions=values.pop("regions", ()), **values)
        return self.answer(_full_line(line), s.RenjaLineSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Catatan verifikasi Renja",
        parameters=[ID],
        responses=s.RenjaCommentSerializer(many=True),
        tags=[TAG_RENJA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tulis catatan atau balasan (Bappeda, atau staf OPD-nya)",
        parameters=[ID],
        request=s.CommentInputSerializer,
        responses={201: s.RenjaCommentSerializer},
        tags=[TAG_RENJA],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk):
        renja = self._renja()
        if request.method == "GET":
            return self.page(selectors.renja_comments(renja), s.RenjaCommentSerializer)
        comment = services.comment_renja(actor=request.user, renja=renja, **self.valid(s.CommentInputSerializer))
        return self.answer(comment, s.RenjaCommentSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Unduh Renja sebagai Excel (tata letak seperti SIPD)",
        parameters=[ID],
        responses=XLSX_RESPONSE,
        tags=[TAG_RENJA],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        renja = self._renja()
        return _xlsx(excel.export_renja(renja), f"renja-{renja.opd.code}-{renja.fiscal_year.year}.xlsx")

    @extend_schema(
        summary="Impor baris Renja dari Excel (staf OPD-nya, saat draf atau dikembalikan)",
        description=(
            "Kolom: kode_sub_kegiatan, lokasi, indikator_keluaran, target, satuan, pagu_indikatif, "
            "pagu_indikatif_berikutnya, serta kode_sumber_dana dan kode_program_renstra (boleh kosong). "
            "Sub-kegiatan yang sudah ada di Renja diperbarui." + IMPORT_NOTE
        ),
        parameters=[ID],
        request={"multipart/form-data": s.ImportInputSerializer},
        responses=s.ImportResultSerializer,
        tags=[TAG_RENJA],
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_lines(self, request, pk):
        renja = self._renja()
        upload = self.valid(s.ImportInputSerializer)["file"]
        return _import(
            lambda: services.import_renja_lines(actor=request.user, renja=renja, source=upload, filename=upload.name)
        )


def _full_line(line):
    """The line with everything its output shows (kegiatan, program, open comments)."""
    return selectors.renja_lines(line.renja).get(pk=line.pk)


@extend_schema_view(
    retrieve=extend_schema(summary="Satu baris Renja", parameters=[ID], tags=[TAG_RENJA]),
    partial_update=extend_schema(
        summary="Ubah baris Renja (staf OPD-nya, saat draf atau dikembalikan)",
        description=(
            "Kirim `version` dari GET terakhir beserta bidang yang berubah. Bila baris sudah diubah orang lain, "
            "jawaban 409 `stale` memuat nilai terbaru di `current`."
        ),
        parameters=[ID],
        request=s.RenjaLinePatchSerializer,
        responses={200: s.RenjaLineSerializer, 409: CONFLICT_STALE},
        tags=[TAG_RENJA],
    ),
    destroy=extend_schema(
        summary="Hapus baris Renja (staf OPD-nya, saat draf atau dikembalikan)",
        parameters=[ID],
        responses={204: None, 400: STILL_USED, 409: CONFLICT_TRANSITION},
        tags=[TAG_RENJA],
    ),
)
class RenjaLineViewSet(PlanningViewSet):
    serializer_class = s.RenjaLineSerializer

    def get_object(self):
        return selectors.renja_line_for(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, pk):
        return self.answer(_full_line(self.get_object()))

    def partial_update(self, request, pk):
        line = self.get_object()
        changes = self.valid(s.RenjaLinePatchSerializer, partial=True, renja=line.renja)
        try:
            line = services.update_renja_line(
                actor=request.user,
                line=line,
                expected_version=changes.pop("version"),
                regions=changes.pop("regions", None),
                **changes,
            )
        except StaleObject as exc:
            current = s.RenjaLineSerializer(_full_line(line), context=self.get_serializer_context()).data
            raise StaleObject(str(exc), current=current) from exc
        return self.answer(_full_line(line))

    def destroy(self, request, pk):
        services.delete_renja_line(actor=request.user, line=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- RKPD -------------------------------------------------------------------------------------


def _rkpd_detail(rkpd):
    """The RKPD with its totals per OPD, urusan, bidang and program, RPJMD coverage and proposals."""
    year = rkpd.fiscal_year.year
    rkpd.by_opd = selectors.rkpd_opd_totals(rkpd)
    for level in ("urusan", "bidang", "program"):
        setattr(rkpd, f"by_{level}", list(selectors.rkpd_totals_by(rkpd, level)))
    rkpd.coverage = list(selectors.rpjmd_target_coverage(rkpd))
    for target in rkpd.coverage:
        index = target.goal.rpjmd.year_index(year)
        target.target = target.targets[index - 1] if index else None
        target.is_served = target.line_count > 0
    rkpd.proposals = selectors.rkpd_proposal_totals(rkpd)
    return rkpd


@extend_schema_view(
    list=extend_schema(summary="Daftar RKPD per tahun", tags=[TAG_RKPD]),
    retrieve=extend_schema(
        summary="RKPD satu tahun: total per OPD, urusan, bidang dan program, capaian sasaran RPJMD, usulan",
        description="Sasaran RPJMD dengan `is_served` false tidak dilayani satu pun sub-kegiatan Renja final.",
        parameters=[YEAR],
        responses=s.RkpdDetailSerializer,
        tags=[TAG_RKPD],
    ),
)
class RkpdViewSet(ListMixin, PlanningViewSet):
    serializer_class = s.RkpdSerializer
    lookup_field = "year"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.rkpds_for(self.request.user)

    def _fiscal_year(self):
        return access.get_visible_or_404(FiscalYear.objects.all(), year=self.kwargs["year"])

    def get_object(self):
        return selectors.rkpd_for(self.request.user, self._fiscal_year())

    def _detail(self):
        return self.answer(_rkpd_detail(self.get_object()), s.RkpdDetailSerializer)

    def retrieve(self, request, year):
        return self._detail()

    @extend_schema(
        summary="Konsolidasikan RKPD dari semua Renja final tahun itu (Bappeda)",
        parameters=[YEAR],
        request=None,
        responses={200: s.RkpdDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_RKPD],
    )
    @action(detail=True, methods=["post"])
    def consolidate(self, request, year):
        services.consolidate_rkpd(actor=request.user, fiscal_year=self._fiscal_year())
        return self._detail()

    @extend_schema(
        summary="Finalkan RKPD (Bappeda)",
        description="Hanya bila semua Renja tahun itu final dan sudah dikonsolidasikan.",
        parameters=[YEAR],
        request=s.FinalizeInputSerializer,
        responses={200: s.RkpdDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_RKPD],
    )
    @action(detail=True, methods=["post"])
    def finalize(self, request, year):
        rkpd = self.get_object()
        services.finalize_rkpd(actor=request.user, rkpd=rkpd, **self.valid(s.FinalizeInputSerializer))
        return self._detail()

    @extend_schema(
        summary="Unduh RKPD sebagai Excel",
        description=(
            "Lembar: ringkasan, per OPD, per urusan, per bidang, per program, rincian sub-kegiatan, capaian sasaran "
            "RPJMD, usulan diakomodasi dan usulan tidak didanai."
        ),
        parameters=[YEAR],
        responses=XLSX_RESPONSE,
        tags=[TAG_RKPD],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, year):
        rkpd = self.get_object()
        return _xlsx(excel.export_rkpd(rkpd), f"rkpd-{rkpd.fiscal_year.year}.xlsx")
