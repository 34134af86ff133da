"""The planning API (mounted at /api/v1/): RPJMD and Renstra targets, proposals, Renja and the RKPD.

Views stay thin: reads come scoped from planning.selectors and masterdata.access (an object that is not
yours answers 404 like a missing one), writes go through the services, whose refusals the shared
exception handler turns into 403 (not allowed), 400 (invalid) and 409 (a move that does not apply, or
a save based on an old version). `PortalViewSet` and its mixins serve the budgeting API as well.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from masterdata import access
from masterdata.api_base import CONFLICT_STALE, CONFLICT_TRANSITION, IMPORT_NOTE, MISSING_REFERENCE, Operations
from masterdata.errors import StaleObject
from masterdata.models import FiscalYear
from masterdata.serializer_base import ImportResultSerializer
from masterdata.viewsets import (
    DELETED,
    IMPORT_REQUEST,
    XLSX_RESPONSE,
    DetailMixin,
    ListMixin,
    PortalViewSet,
    RetrieveMixin,
    xlsx,
)

from . import excel, selectors, services, target_services
from . import filters as planning_filters
from . import serializers as s

RPJMD, RENSTRA, PROPOSAL, RENJA = Operations("RPJMD"), Operations("Renstra"), Operations("Usulan"), Operations("Renja")


YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="Tahun anggaran, mis. 2024.")


RKPD = Operations("RKPD", YEAR)


@extend_schema_view(
    list=RPJMD.collection("Daftar RPJMD"),
    retrieve=RPJMD.item("Satu RPJMD"),
    create=RPJMD.collection("Buat RPJMD (Bappeda)", request=s.RpjmdInputSerializer, responses={201: s.RpjmdSerializer}),
    partial_update=RPJMD.item("Ubah RPJMD (Bappeda)", request=s.RpjmdInputSerializer),
)
class RpjmdViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    serializer_class = s.RpjmdSerializer
    writers = dict.fromkeys(("create", "partial_update", "goals", "import_targets"), "planning.change_rpjmd")

    def get_queryset(self):
        return selectors.visible_rpjmds(self.request.user)

    def create(self, request):
        rpjmd = target_services.create_rpjmd(actor=request.user, **self.valid(s.RpjmdInputSerializer))
        return self.answer(rpjmd, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        rpjmd = self.get_object()
        changes = self.valid(s.RpjmdInputSerializer, partial=True)
        return self.answer(target_services.update_rpjmd(actor=request.user, rpjmd=rpjmd, **changes))

    @RPJMD.item("Tujuan RPJMD beserta sasarannya", methods=["GET"], responses=s.RpjmdGoalSerializer(many=True))
    @RPJMD.item(
        "Tambah tujuan RPJMD (Bappeda)",
        methods=["POST"],
        request=s.RpjmdGoalInputSerializer,
        responses={201: s.RpjmdGoalSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def goals(self, request, pk):
        rpjmd = self.get_object()
        if request.method == "GET":
            return self.page(selectors.visible_rpjmd_goals(request.user, rpjmd=rpjmd), s.RpjmdGoalSerializer)
        goal = target_services.create_rpjmd_goal(
            actor=request.user, rpjmd=rpjmd, **self.valid(s.RpjmdGoalInputSerializer)
        )
        return self.answer(goal, s.RpjmdGoalSerializer, status_code=status.HTTP_201_CREATED)

    @RPJMD.item(
        "Impor tabel tujuan dan sasaran RPJMD dari Excel (Bappeda)",
        "Kolom: kode_tujuan, tujuan, kode_sasaran, sasaran, indikator, satuan, kondisi_awal, target_1 sampai "
        "target_5. Tujuan dan sasaran yang kodenya sudah ada diperbarui." + IMPORT_NOTE,
        request=IMPORT_REQUEST,
        responses=ImportResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="import-targets", parser_classes=[MultiPartParser])
    def import_targets(self, request, pk):
        counts = self.imported(target_services.import_rpjmd_targets, rpjmd=self.get_object())
        return self.answer(counts, ImportResultSerializer)


@extend_schema_view(
    retrieve=RPJMD.item("Satu tujuan RPJMD"),
    partial_update=RPJMD.item("Ubah tujuan RPJMD (Bappeda)", request=s.RpjmdGoalInputSerializer),
    destroy=RPJMD.item("Hapus tujuan RPJMD (Bappeda)", responses=DELETED),
)
class RpjmdGoalViewSet(RetrieveMixin, PortalViewSet):
    serializer_class = s.RpjmdGoalSerializer
    writers = dict.fromkeys(("partial_update", "destroy", "targets"), "planning.change_rpjmd")

    def get_queryset(self):
        return selectors.visible_rpjmd_goals(self.request.user)

    def partial_update(self, request, pk):
        goal = self.get_object()
        changes = self.valid(s.RpjmdGoalInputSerializer, partial=True)
        target_services.update_rpjmd_goal(actor=request.user, goal=goal, **changes)
        return self.answer(self.get_object())

    def destroy(self, request, pk):
        return self.deleted(target_services.delete_rpjmd_goal, goal=self.get_object())

    @RPJMD.item("Sasaran satu tujuan RPJMD", methods=["GET"], responses=s.RpjmdTargetSerializer(many=True))
    @RPJMD.item(
        "Tambah sasaran RPJMD (Bappeda)",
        methods=["POST"],
        request=s.RpjmdTargetInputSerializer,
        responses={201: s.RpjmdTargetSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def targets(self, request, pk):
        goal = self.get_object()
        if request.method == "GET":
            return self.page(selectors.visible_rpjmd_targets(request.user, goal=goal), s.RpjmdTargetSerializer)
        target = target_services.create_rpjmd_target(
            actor=request.user, goal=goal, **self.valid(s.RpjmdTargetInputSerializer)
        )
        return self.answer(target, s.RpjmdTargetSerializer, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=RPJMD.item("Satu sasaran RPJMD"),
    partial_update=RPJMD.item("Ubah sasaran RPJMD (Bappeda)", request=s.RpjmdTargetInputSerializer),
    destroy=RPJMD.item("Hapus sasaran RPJMD (Bappeda)", responses=DELETED),
)
class RpjmdTargetViewSet(RetrieveMixin, PortalViewSet):
    serializer_class = s.RpjmdTargetSerializer
    writers = dict.fromkeys(("partial_update", "destroy"), "planning.change_rpjmd")

    def get_queryset(self):
        return selectors.visible_rpjmd_targets(self.request.user)

    def partial_update(self, request, pk):
        target = self.get_object()
        changes = self.valid(s.RpjmdTargetInputSerializer, partial=True)
        return self.answer(target_services.update_rpjmd_target(actor=request.user, target=target, **changes))

    def destroy(self, request, pk):
        return self.deleted(target_services.delete_rpjmd_target, target=self.get_object())


@extend_schema_view(
    list=RENSTRA.collection("Daftar Renstra OPD"),
    retrieve=RENSTRA.item("Satu Renstra"),
    create=RENSTRA.collection(
        "Buat Renstra (staf OPD untuk OPD-nya)",
        request=s.RenstraInputSerializer,
        responses={201: s.RenstraSerializer, 404: MISSING_REFERENCE},
    ),
    destroy=RENSTRA.item("Hapus Renstra (staf OPD)", responses=DELETED),
)
class RenstraViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    serializer_class = s.RenstraSerializer
    writers = {
        "create": "planning.add_renstra",
        **dict.fromkeys(("destroy", "programs", "import_programs"), "planning.change_renstra"),
    }
    filterset_class = planning_filters.RenstraFilterSet

    def get_queryset(self):
        return selectors.visible_renstras(self.request.user)

    def create(self, request):
        renstra = target_services.create_renstra(actor=request.user, **self.valid(s.RenstraInputSerializer))
        return self.answer(renstra, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, pk):
        return self.deleted(target_services.delete_renstra, renstra=self.get_object())

    @RENSTRA.item(
        "Program Renstra dan sasaran RPJMD yang dilayaninya",
        methods=["GET"],
        responses=s.RenstraProgramSerializer(many=True),
    )
    @RENSTRA.item(
        "Tambah program Renstra (staf OPD)",
        methods=["POST"],
        request=s.RenstraProgramInputSerializer,
        responses={201: s.RenstraProgramSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def programs(self, request, pk):
        renstra = self.get_object()
        if request.method == "GET":
            programs = selectors.visible_renstra_programs(request.user, renstra=renstra)
            return self.page(programs, s.RenstraProgramSerializer)
        values = self.valid(s.RenstraProgramInputSerializer, renstra=renstra)
        row = target_services.create_renstra_program(actor=request.user, renstra=renstra, **values)
        return self.answer(row, s.RenstraProgramSerializer, status_code=status.HTTP_201_CREATED)

    @RENSTRA.item(
        "Impor program Renstra dari Excel (staf OPD)",
        "Kolom: kode_program, kode_sasaran_rpjmd (atau kode_tujuan/kode_sasaran bila kode sasaran berulang), "
        "indikator, satuan, kondisi_awal, target_1 sampai target_5. Pasangan program dan sasaran yang sudah ada "
        "diperbarui." + IMPORT_NOTE,
        request=IMPORT_REQUEST,
        responses=ImportResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="import-programs", parser_classes=[MultiPartParser])
    def import_programs(self, request, pk):
        counts = self.imported(target_services.import_renstra_programs, renstra=self.get_object())
        return self.answer(counts, ImportResultSerializer)


@extend_schema_view(
    retrieve=RENSTRA.item("Satu program Renstra"),
    partial_update=RENSTRA.item("Ubah program Renstra (staf OPD)", request=s.RenstraProgramInputSerializer),
    destroy=RENSTRA.item("Hapus program Renstra (staf OPD)", responses=DELETED),
)
class RenstraProgramViewSet(RetrieveMixin, PortalViewSet):
    serializer_class = s.RenstraProgramSerializer
    writers = dict.fromkeys(("partial_update", "destroy"), "planning.change_renstra")

    def document_of(self, program):
        return program.renstra

    def get_queryset(self):
        return selectors.visible_renstra_programs(self.request.user)

    def partial_update(self, request, pk):
        row = self.get_object()
        changes = self.valid(s.RenstraProgramInputSerializer, partial=True, renstra=row.renstra)
        return self.answer(target_services.update_renstra_program(actor=request.user, renstra_program=row, **changes))

    def destroy(self, request, pk):
        return self.deleted(target_services.delete_renstra_program, renstra_program=self.get_object())


@extend_schema_view(
    list=PROPOSAL.collection(
        "Daftar usulan musrenbang, forum OPD, pokir dan warga",
        "Usulan yang lolos moderasi; Bappeda melihat juga usulan warga yang menunggu moderasi.",
    ),
    retrieve=PROPOSAL.item("Satu usulan dengan riwayat statusnya", responses=s.ProposalDetailSerializer),
    create=PROPOSAL.collection(
        "Ajukan usulan",
        "Sumber yang boleh: staf OPD `forum_opd`, Bappeda `desa` dan `kecamatan` (hasil musrenbang), DPRD "
        "`pokir`. Sumber lain dijawab 403.",
        request=s.ProposalInputSerializer,
        responses={201: s.ProposalDetailSerializer, 404: MISSING_REFERENCE},
    ),
)
class ProposalViewSet(ListMixin, DetailMixin, PortalViewSet):
    writers = {
        "create": "planning.submit_proposal",
        **dict.fromkeys(("moderate", "advance"), "planning.moderate_proposal"),
        **dict.fromkeys(("accept", "reject", "defer"), "planning.decide_proposal"),
    }
    serializer_class = s.ProposalSerializer
    detail_serializer_class = s.ProposalDetailSerializer
    filterset_class = planning_filters.ProposalFilterSet

    def get_queryset(self):
        return selectors.visible_proposals(self.request.user).order_by("-created_at", "-pk")

    def get_detail(self, pk):
        return selectors.proposal_with_history(self.request.user, pk)

    def create(self, request):
        proposal = services.submit_proposal(actor=request.user, **self.valid(s.ProposalInputSerializer))
        return self.answer_detail(proposal.pk, status.HTTP_201_CREATED)

    @PROPOSAL.move(
        "Moderasi usulan warga (Bappeda)",
        s.ModerateInputSerializer,
        s.ProposalDetailSerializer,
        "Lolos: usulan terlihat umum dan masuk kajian. Tidak lolos: ditolak dengan catatan, tetap tidak terlihat.",
    )
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk):
        return self.act(services.moderate_proposal, s.ModerateInputSerializer, proposal=self.get_detail(pk))

    @PROPOSAL.move(
        "Naikkan tahap usulan (Bappeda)",
        s.NoteInputSerializer,
        s.ProposalDetailSerializer,
        "Desa/kelurahan → kecamatan → forum OPD → kabupaten.",
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk):
        return self.act(services.advance_proposal_stage, s.NoteInputSerializer, proposal=self.get_detail(pk))

    @PROPOSAL.move(
        "Akomodasi usulan ke baris Renja (OPD tujuan atau Bappeda)",
        s.AcceptInputSerializer,
        s.ProposalDetailSerializer,
        "Baris Renja harus dari tahun anggaran usulan; staf OPD hanya memilih baris Renja OPD-nya.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk):
        return self.act(services.accept_proposal, s.AcceptInputSerializer, proposal=self.get_detail(pk))

    @PROPOSAL.move(
        "Tolak usulan dengan alasan (OPD tujuan atau Bappeda)", s.RejectInputSerializer, s.ProposalDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        return self.act(services.reject_proposal, s.RejectInputSerializer, proposal=self.get_detail(pk))

    @PROPOSAL.move(
        "Tunda usulan ke tahun berikutnya (OPD tujuan atau Bappeda)", s.DeferInputSerializer, s.ProposalDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def defer(self, request, pk):
        return self.act(services.defer_proposal, s.DeferInputSerializer, proposal=self.get_detail(pk))


@extend_schema_view(
    list=RENJA.collection(
        "Daftar Renja", "Staf OPD: Renja OPD-nya; Bappeda, keuangan, auditor: semua; DPRD: yang sudah final."
    ),
    retrieve=RENJA.item("Satu Renja dengan riwayat tahapannya", responses=s.RenjaDetailSerializer),
    create=RENJA.collection(
        "Mulai Renja OPD untuk satu tahun (staf OPD-nya atau Bappeda)",
        request=s.RenjaCreateSerializer,
        responses={201: s.RenjaDetailSerializer, 404: MISSING_REFERENCE},
    ),
)
class RenjaViewSet(ListMixin, DetailMixin, PortalViewSet):
    writers = {
        "create": "planning.add_renja",
        **dict.fromkeys(("lines", "import_lines"), "planning.work_on_renja"),
        "comments": "planning.comment_renja",
        "transitions": "planning.move_renja",
    }
    serializer_class = s.RenjaSerializer
    detail_serializer_class = s.RenjaDetailSerializer
    filterset_class = planning_filters.RenjaFilterSet

    def get_queryset(self):
        return selectors.visible_renjas(self.request.user).order_by("opd__code", "-fiscal_year__year", "pk")

    def get_object(self):
        return self.checked(selectors.renja_for(self.request.user, self.kwargs["pk"]))

    def get_detail(self, pk):
        return selectors.renja_with_transitions(self.request.user, pk)

    def create(self, request):
        data = self.valid(s.RenjaCreateSerializer)
        renja = services.create_renja(actor=request.user, opd=data["opd"], fiscal_year=data["year"])
        return self.answer_detail(renja.pk, status.HTTP_201_CREATED)

    @RENJA.move(
        "Pindahkan Renja di siklusnya",
        s.TransitionInputSerializer,
        s.RenjaDetailSerializer,
        "`submit` (staf OPD-nya, saat draf atau dikembalikan), `return` (Bappeda, dengan catatan), `verify`, "
        "`advance` ke tahap berikutnya dan `finalise` (Bappeda). Tindakan yang tidak berlaku dijawab 409 "
        "dengan status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk):
        return self.act(services.transition_renja, s.TransitionInputSerializer, renja=self.get_object())

    @RENJA.item("Baris (sub-kegiatan) Renja", methods=["GET"], responses=s.RenjaLineSerializer(many=True))
    @RENJA.item(
        "Tambah baris Renja (staf OPD-nya, saat draf atau dikembalikan)",
        methods=["POST"],
        request=s.RenjaLineInputSerializer,
        responses={201: s.RenjaLineSerializer, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def lines(self, request, pk):
        renja = self.get_object()
        if request.method == "GET":
            return self.page(selectors.renja_lines(renja), s.RenjaLineSerializer)
        values = self.valid(s.RenjaLineInputSerializer, renja=renja)
        line = services.add_renja_line(actor=request.user, renja=renja, regions=values.pop("regions", ()), **values)
        return self.answer(_full_line(line), s.RenjaLineSerializer, status_code=status.HTTP_201_CREATED)

    @RENJA.item("Catatan verifikasi Renja", methods=["GET"], responses=s.RenjaCommentSerializer(many=True))
    @RENJA.item(
        "Tulis catatan atau balasan (Bappeda, atau staf OPD-nya)",
        methods=["POST"],
        request=s.CommentInputSerializer,
        responses={201: s.RenjaCommentSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk):
        renja = self.get_object()
        if request.method == "GET":
            return self.page(selectors.renja_comments(renja), s.RenjaCommentSerializer)
        comment = services.comment_renja(actor=request.user, renja=renja, **self.valid(s.CommentInputSerializer))
        return self.answer(comment, s.RenjaCommentSerializer, status_code=status.HTTP_201_CREATED)

    @RENJA.item("Unduh Renja sebagai Excel (tata letak seperti SIPD)", responses=XLSX_RESPONSE)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        renja = self.get_object()
        return xlsx(excel.export_renja(renja), f"renja-{renja.opd.code}-{renja.fiscal_year.year}.xlsx")

    @RENJA.item(
        "Impor baris Renja dari Excel (staf OPD-nya, saat draf atau dikembalikan)",
        "Kolom: kode_sub_kegiatan, lokasi, indikator_keluaran, target, satuan, pagu_indikatif, "
        "pagu_indikatif_berikutnya, serta kode_sumber_dana dan kode_program_renstra (boleh kosong). "
        "Sub-kegiatan yang sudah ada di Renja diperbarui." + IMPORT_NOTE,
        request=IMPORT_REQUEST,
        responses=ImportResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_lines(self, request, pk):
        counts = self.imported(services.import_renja_lines, renja=self.get_object())
        return self.answer(counts, ImportResultSerializer)


def _full_line(line):
    """The line with everything its output shows (kegiatan, program, open comments)."""
    return selectors.renja_lines(line.renja).get(pk=line.pk)


@extend_schema_view(
    retrieve=RENJA.item("Satu baris Renja"),
    partial_update=RENJA.item(
        "Ubah baris Renja (staf OPD-nya, saat draf atau dikembalikan)",
        "Kirim `version` dari GET terakhir beserta bidang yang berubah. Bila baris sudah diubah orang lain, "
        "jawaban 409 `stale` memuat nilai terbaru di `current`.",
        request=s.RenjaLinePatchSerializer,
        responses={200: s.RenjaLineSerializer, 409: CONFLICT_STALE},
    ),
    destroy=RENJA.item(
        "Hapus baris Renja (staf OPD-nya, saat draf atau dikembalikan)",
        responses={**DELETED, 409: CONFLICT_TRANSITION},
    ),
)
class RenjaLineViewSet(PortalViewSet):
    serializer_class = s.RenjaLineSerializer
    writers = dict.fromkeys(("partial_update", "destroy"), "planning.work_on_renja")

    def document_of(self, line):
        return line.renja

    def get_object(self):
        return self.checked(selectors.renja_line_for(self.request.user, self.kwargs["pk"]))

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
            raise self.stale(exc, _full_line(line)) from exc
        return self.answer(_full_line(line))

    def destroy(self, request, pk):
        return self.deleted(services.delete_renja_line, line=self.get_object())


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
    list=RKPD.collection("Daftar RKPD per tahun"),
    retrieve=RKPD.item(
        "RKPD satu tahun: total per OPD, urusan, bidang dan program, capaian sasaran RPJMD, usulan",
        "Sasaran RPJMD dengan `is_served` false tidak dilayani satu pun sub-kegiatan Renja final.",
        responses=s.RkpdDetailSerializer,
    ),
)
class RkpdViewSet(ListMixin, PortalViewSet):
    writers = dict.fromkeys(("consolidate", "finalize"), "planning.change_rkpd")
    serializer_class = s.RkpdSerializer
    lookup_field = "year"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.visible_rkpds(self.request.user)

    def _fiscal_year(self):
        return access.get_visible_or_404(FiscalYear.objects.all(), year=self.kwargs["year"])

    def get_object(self):
        return self.checked(selectors.rkpd_for(self.request.user, self._fiscal_year()))

    def _detail(self):
        return self.answer(_rkpd_detail(self.get_object()), s.RkpdDetailSerializer)

    def retrieve(self, request, year):
        return self._detail()

    @RKPD.move("Konsolidasikan RKPD dari semua Renja final tahun itu (Bappeda)", None, s.RkpdDetailSerializer)
    @action(detail=True, methods=["post"])
    def consolidate(self, request, year):
        services.consolidate_rkpd(actor=request.user, fiscal_year=self._fiscal_year())
        return self._detail()

    @RKPD.move(
        "Finalkan RKPD (Bappeda)",
        s.FinalizeInputSerializer,
        s.RkpdDetailSerializer,
        "Hanya bila semua Renja tahun itu final dan sudah dikonsolidasikan.",
    )
    @action(detail=True, methods=["post"])
    def finalize(self, request, year):
        rkpd = self.get_object()
        services.finalize_rkpd(actor=request.user, rkpd=rkpd, **self.valid(s.FinalizeInputSerializer))
        return self._detail()

    @RKPD.item(
        "Unduh RKPD sebagai Excel",
        "Lembar: ringkasan, per OPD, per urusan, per bidang, per program, rincian sub-kegiatan, capaian sasaran "
        "RPJMD, usulan diakomodasi dan usulan tidak didanai.",
        responses=XLSX_RESPONSE,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, year):
        rkpd = self.get_object()
        return xlsx(excel.export_rkpd(rkpd), f"rkpd-{rkpd.fiscal_year.year}.xlsx")
