"""Input and output shapes of the planning API.

Inputs name reference data by code (sub-kegiatan, sumber dana, OPD, wilayah) as SIPD does, and planning
objects by id. Once an input's shape is valid, `resolve()` looks its references up among what the user
may see; one that names nothing answers 404 with `field` naming the input, like any missing object.
Whether a value is allowed is decided by the services, whose field names the inputs share.
"""

from rest_framework import serializers

from masterdata import access
from masterdata.models import FundingSource, Nomenclature, Opd, Region
from masterdata.selectors import find_fiscal_year
from masterdata.serializer_base import (
    AllowedActionsField,
    CodedRefSerializer,
    NumberField,
    ResolvingInput,
    RupiahField,
    find_in,
    find_in_list,
    money,
    optional_code,
    text_field,
    user_of,
    versioned_patch,
)

from . import services, target_services
from .models import (
    Proposal,
    ProposalStatusChange,
    Renja,
    RenjaComment,
    RenjaLine,
    RenjaTransition,
    Renstra,
    RenstraProgram,
    Rkpd,
    Rpjmd,
    RpjmdGoal,
    RpjmdTarget,
)


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TargetsInputMixin(ResolvingInput):
    indicator = text_field(max_length=500)
    unit = text_field(max_length=50)
    baseline = NumberField(required=False, allow_null=True, help_text="Kondisi awal.")
    target_1 = NumberField(required=False, allow_null=True)
    target_2 = NumberField(required=False, allow_null=True)
    target_3 = NumberField(required=False, allow_null=True)
    target_4 = NumberField(required=False, allow_null=True)
    target_5 = NumberField(required=False, allow_null=True)


class RpjmdSerializer(serializers.ModelSerializer):
    last_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Rpjmd
        fields = read_only_fields = ["id", "title", "first_year", "last_year", "regulation"]


class RpjmdInputSerializer(ResolvingInput):
    title = text_field(max_length=255)
    first_year = serializers.IntegerField(min_value=2000, max_value=2096, help_text="Tahun pertama dari lima tahun.")
    regulation = text_field(max_length=255, required=False, allow_blank=True, help_text="Perda RPJMD.")


class RpjmdTargetSerializer(serializers.ModelSerializer):
    goal_code = serializers.CharField(source="goal.code", read_only=True)

    class Meta:
        model = RpjmdTarget
        fields = read_only_fields = ["id", "goal", "goal_code", "code", "statement", *target_services.TARGET_FIELDS]


class RpjmdGoalSerializer(serializers.ModelSerializer):
    targets = RpjmdTargetSerializer(source="targets_set", many=True, read_only=True)

    class Meta:
        model = RpjmdGoal
        fields = read_only_fields = ["id", "rpjmd", "code", "statement", "targets"]


class RpjmdGoalInputSerializer(ResolvingInput):
    code = text_field(max_length=20)
    statement = text_field(help_text="Rumusan tujuan.")


class RpjmdTargetInputSerializer(TargetsInputMixin):
    code = text_field(max_length=20)
    statement = text_field(help_text="Rumusan sasaran.")


class RenstraSerializer(serializers.ModelSerializer):
    opd = CodedRefSerializer(read_only=True)
    rpjmd = RpjmdSerializer(read_only=True)

    class Meta:
        model = Renstra
        fields = read_only_fields = ["id", "opd", "rpjmd"]


class RenstraInputSerializer(ResolvingInput):
    opd = text_field(max_length=32, help_text="Kode SIPD OPD (staf OPD: OPD-nya sendiri).")
    rpjmd = serializers.IntegerField(min_value=1, help_text="Id RPJMD.")

    def references(self, data):
        return {
            "opd": ("OPD", find_in(Opd.objects.all(), "code")),
            "rpjmd": ("RPJMD", find_in(access.scope_rpjmd(user_of(self), Rpjmd.objects.all()), "pk")),
        }


class RpjmdTargetRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    goal_code = serializers.CharField(source="goal.code", read_only=True)
    statement = serializers.CharField(read_only=True)


class RenstraProgramSerializer(serializers.ModelSerializer):
    program = CodedRefSerializer(read_only=True)
    rpjmd_target = RpjmdTargetRefSerializer(read_only=True)

    class Meta:
        model = RenstraProgram
        fields = read_only_fields = ["id", "renstra", "program", "rpjmd_target", *target_services.TARGET_FIELDS]


# `context["renstra"]` is the Renstra the program belongs to (its RPJMD period picks the nomenclature).
class RenstraProgramInputSerializer(TargetsInputMixin):
    program = text_field(max_length=32, help_text="Kode program nomenklatur, mis. `1.02.02`.")
    rpjmd_target = serializers.IntegerField(min_value=1, help_text="Id sasaran RPJMD.")

    def references(self, data):
        rpjmd = self.context["renstra"].rpjmd
        targets = access.scope_rpjmd(user_of(self), RpjmdTarget.objects.select_related("goal"))
        return {
            "program": ("Program", lambda code: target_services.find_program(rpjmd, code)),
            "rpjmd_target": ("Sasaran RPJMD", find_in(targets, "pk")),
        }


class ProposalSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    kecamatan = RegionRefSerializer(read_only=True)
    village = RegionRefSerializer(read_only=True, allow_null=True)
    suggested_opd = CodedRefSerializer(read_only=True, allow_null=True)
    suggested_sub_kegiatan = CodedRefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    allowed_actions = AllowedActionsField(
        services.proposal_moves,
        help_text="Tindakan yang berlaku pada status sekarang (moderate, advance_stage, accept, reject, defer).",
    )

    class Meta:
        model = Proposal
        fields = read_only_fields = [
            "id",
            "tracking_code",
            "year",
            "source",
            "stage",
            "status",
            "status_label",
            "title",
            "description",
            "kecamatan",
            "village",
            "proposer_name",
            "estimated_cost",
            "suggested_opd",
            "suggested_sub_kegiatan",
            "priority",
            "is_moderated",
            "renja_line",
            "deferred_to_year",
            "decision_note",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]


class ProposalStatusField(serializers.ChoiceField):
    """A status, or null where there is none (the status before a proposal was received)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Proposal.Status.choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


class ProposalHistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name", read_only=True, allow_null=True, default=None)
    from_status = ProposalStatusField(help_text="Status sebelumnya; null untuk usulan yang baru diterima.")

    class Meta:
        model = ProposalStatusChange
        fields = read_only_fields = ["from_status", "to_status", "stage", "actor", "note", "created_at"]


class ProposalDetailSerializer(ProposalSerializer):
    history = ProposalHistorySerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = read_only_fields = [*ProposalSerializer.Meta.fields, "history"]


class ProposalInputSerializer(ResolvingInput):
    source = serializers.ChoiceField(
        choices=Proposal.Source.choices,
        help_text="Staf OPD: forum_opd; Bappeda: desa, kecamatan; DPRD: pokir. Usulan warga lewat formulir publik.",
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran yang diusulkan.")
    title = text_field(max_length=255)
    description = text_field()
    kecamatan = text_field(max_length=16, help_text="Kode wilayah kecamatan, mis. `35.11.01`.")
    village = optional_code("Kode wilayah desa/kelurahan.", max_length=16)
    proposer_name = text_field(max_length=150)
    proposer_contact = text_field(max_length=150, required=False, allow_blank=True)
    estimated_cost = RupiahField()
    suggested_opd = optional_code("Kode SIPD OPD.")
    suggested_sub_kegiatan = optional_code("Kode sub-kegiatan.")
    priority = serializers.IntegerField(min_value=1, max_value=5, default=3, help_text="1 tertinggi, 5 terendah.")

    def references(self, data):
        fiscal_year = find_fiscal_year(data["year"])
        version_id = fiscal_year.reference_version_id if fiscal_year else None
        return {
            "year": ("Tahun anggaran", lambda year: fiscal_year),
            "kecamatan": ("Kecamatan", find_in(Region.objects.all(), "code")),
            "village": ("Desa/kelurahan", find_in(Region.objects.all(), "code")),
            "suggested_opd": ("OPD", find_in(Opd.objects.all(), "code")),
            "suggested_sub_kegiatan": ("Sub-kegiatan", find_in_list(Nomenclature, version_id)),
        }

    def resolve(self):
        data = super().resolve()
        data["fiscal_year"] = data.pop("year")
        return data


class ModerateInputSerializer(ResolvingInput):
    approve = serializers.BooleanField(help_text="true: lolos moderasi; false: ditolak (wajib dengan catatan).")
    note = text_field(required=False, allow_blank=True, default="")


class NoteInputSerializer(ResolvingInput):
    note = text_field(required=False, allow_blank=True, default="")


class AcceptInputSerializer(NoteInputSerializer):
    renja_line = serializers.IntegerField(min_value=1, help_text="Id baris Renja.")

    def references(self, data):
        lines = access.scope_renja(user_of(self), RenjaLine.objects.select_related("renja"), renja_field="renja")
        return {"renja_line": ("Baris Renja", find_in(lines, "pk"))}


class RejectInputSerializer(ResolvingInput):
    reason = text_field(help_text="Alasan penolakan; dibaca pengusul.")


class DeferInputSerializer(NoteInputSerializer):
    to_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran tujuan penundaan.")


class RenjaSerializer(serializers.ModelSerializer):
    opd = CodedRefSerializer(read_only=True)
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    line_count = serializers.IntegerField(read_only=True)
    total_pagu = money(help_text="Jumlah pagu indikatif tahun ini.")
    total_pagu_next = money()
    is_editable = serializers.BooleanField(read_only=True, help_text="Baris dapat diubah (draf atau dikembalikan).")
    allowed_actions = AllowedActionsField(
        services.renja_moves,
        help_text="Tindakan yang berlaku pada tahap dan status sekarang (submit, return, verify, advance, finalise).",
    )

    class Meta:
        model = Renja
        fields = read_only_fields = [
            "id",
            "opd",
            "year",
            "stage",
            "stage_label",
            "state",
            "state_label",
            "is_editable",
            "allowed_actions",
            "line_count",
            "total_pagu",
            "total_pagu_next",
            "updated_at",
        ]


class RenjaTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name", read_only=True)

    class Meta:
        model = RenjaTransition
        fields = read_only_fields = [
            "action",
            "from_stage",
            "from_state",
            "to_stage",
            "to_state",
            "actor",
            "note",
            "created_at",
        ]


class RenjaDetailSerializer(RenjaSerializer):
    transitions = RenjaTransitionSerializer(many=True, read_only=True)

    class Meta(RenjaSerializer.Meta):
        fields = read_only_fields = [*RenjaSerializer.Meta.fields, "transitions"]


class RenjaCreateSerializer(ResolvingInput):
    opd = text_field(max_length=32, help_text="Kode SIPD OPD.")
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Tahun anggaran.")

    def references(self, data):
        return {
            "opd": ("OPD", find_in(Opd.objects.all(), "code")),
            "year": ("Tahun anggaran", find_fiscal_year),
        }


class RenstraProgramRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    program_code = serializers.CharField(source="program.code", read_only=True)
    rpjmd_target_code = serializers.CharField(source="rpjmd_target.code", read_only=True)
    indicator = serializers.CharField(read_only=True)


class RenjaLineSerializer(serializers.ModelSerializer):
    sub_kegiatan = CodedRefSerializer(read_only=True)
    kegiatan = CodedRefSerializer(source="sub_kegiatan.parent", read_only=True)
    program = CodedRefSerializer(source="sub_kegiatan.parent.parent", read_only=True)
    regions = RegionRefSerializer(many=True, read_only=True)
    funding_source = CodedRefSerializer(read_only=True, allow_null=True)
    renstra_program = RenstraProgramRefSerializer(read_only=True, allow_null=True)
    open_comments = serializers.IntegerField(read_only=True, help_text="Catatan verifikasi yang belum selesai.")

    class Meta:
        model = RenjaLine
        fields = read_only_fields = [
            "id",
            "renja",
            "sub_kegiatan",
            "kegiatan",
            "program",
            "location",
            "regions",
            "output_indicator",
            "output_target",
            "output_unit",
            "pagu_indikatif",
            "pagu_indikatif_next",
            "funding_source",
            "renstra_program",
            "open_comments",
            "version",
            "updated_at",
        ]


# `context["renja"]` is the Renja the line belongs to; its fiscal year picks the code lists.
class RenjaLineInputSerializer(ResolvingInput):
    sub_kegiatan = text_field(max_length=32, help_text="Kode sub-kegiatan, mis. `1.02.02.2.01.0001`.")
    location = text_field(max_length=255)
    regions = serializers.ListField(
        child=text_field(max_length=16),
        required=False,
        max_length=300,
        help_text="Kode wilayah kecamatan/desa lokasi.",
    )
    output_indicator = text_field(max_length=500)
    output_target = NumberField()
    output_unit = text_field(max_length=50)
    pagu_indikatif = RupiahField()
    pagu_indikatif_next = RupiahField(help_text="Pagu indikatif tahun berikutnya.")
    funding_source = optional_code("Kode sumber dana (6 tingkat).")
    renstra_program = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Id program Renstra."
    )

    def references(self, data):
        version_id = self.context["renja"].fiscal_year.reference_version_id
        programs = access.scope_renstra(
            user_of(self), RenstraProgram.objects.select_related("renstra"), opd_field="renstra__opd"
        )
        return {
            "sub_kegiatan": ("Sub-kegiatan", find_in_list(Nomenclature, version_id)),
            "funding_source": ("Sumber dana", find_in_list(FundingSource, version_id)),
            "renstra_program": ("Program Renstra", find_in(programs, "pk")),
            "regions": ("Wilayah", _regions),
        }


def _regions(codes):
    """All the named regions, or None when any code names none."""
    regions = list(Region.objects.filter(code__in=codes))
    return regions if len(regions) == len(set(codes)) else None


class RenjaLinePatchSerializer(versioned_patch(RenjaLineInputSerializer, "baris")):
    pass


class TransitionInputSerializer(ResolvingInput):
    action = serializers.ChoiceField(choices=list(services.RENJA_ACTION_LABELS.items()))
    note = text_field(required=False, allow_blank=True, default="", help_text="Wajib untuk `return`.")


class RenjaCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name", read_only=True)
    line_code = serializers.CharField(source="line.sub_kegiatan.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RenjaComment
        fields = read_only_fields = [
            "id",
            "line",
            "line_code",
            "reply_to",
            "author",
            "stage",
            "text",
            "is_resolved",
            "created_at",
        ]


class CommentInputSerializer(ResolvingInput):
    text = text_field()
    line = serializers.IntegerField(min_value=1, required=False, allow_null=True, help_text="Id baris yang dicatat.")
    reply_to = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Id catatan yang dibalas."
    )

    def references(self, data):
        user = user_of(self)
        return {
            "line": (
                "Baris Renja",
                find_in(access.scope_renja(user, RenjaLine.objects.all(), renja_field="renja"), "pk"),
            ),
            "reply_to": (
                "Catatan",
                find_in(access.scope_renja(user, RenjaComment.objects.all(), renja_field="renja"), "pk"),
            ),
        }


class RkpdSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="fiscal_year.year", read_only=True)

    class Meta:
        model = Rkpd
        fields = read_only_fields = [
            "id",
            "year",
            "state",
            "total_pagu",
            "consolidated_at",
            "finalized_at",
            "regulation",
        ]


class RkpdTotalSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    lines = serializers.IntegerField(read_only=True, help_text="Jumlah sub-kegiatan.")
    total = money()
    total_next = money()


class RkpdCoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    goal_code = serializers.CharField(source="goal.code", read_only=True)
    code = serializers.CharField(read_only=True)
    statement = serializers.CharField(read_only=True)
    indicator = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    target = money(allow_null=True, help_text="Target tahun ini.")
    line_count = serializers.IntegerField(read_only=True)
    total_pagu = money()
    is_served = serializers.BooleanField(read_only=True, help_text="false: tidak ada sub-kegiatan yang melayani.")


class ProposalGroupSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)
    total_cost = money()


class RkpdProposalsSerializer(serializers.Serializer):
    accepted = ProposalGroupSerializer(read_only=True)
    unfunded = ProposalGroupSerializer(read_only=True, help_text="Ditolak atau ditunda.")


class RkpdDetailSerializer(RkpdSerializer):
    by_opd = RkpdTotalSerializer(many=True, read_only=True)
    by_urusan = RkpdTotalSerializer(many=True, read_only=True)
    by_bidang = RkpdTotalSerializer(many=True, read_only=True)
    by_program = RkpdTotalSerializer(many=True, read_only=True)
    coverage = RkpdCoverageSerializer(many=True, read_only=True)
    proposals = RkpdProposalsSerializer(read_only=True)

    class Meta(RkpdSerializer.Meta):
        fields = read_only_fields = [
            *RkpdSerializer.Meta.fields,
            "by_opd",
            "by_urusan",
            "by_bidang",
            "by_program",
            "coverage",
            "proposals",
        ]


class FinalizeInputSerializer(ResolvingInput):
    regulation = text_field(max_length=255, required=False, allow_blank=True, default="")
