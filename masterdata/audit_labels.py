"""How the audit trail reads to an inspector: what each action did, what each kind of object and each recorded
field is called. The log stores codes (stable, filterable); these tables turn them into Indonesian."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

# What the actor did, as the predicate of a sentence: "Siti Aminah mengajukan RKA ke TAPD".
ACTIONS = {
    "api_token.issue": "menerbitkan token API",
    "apbd_version.adopt": "menetapkan versi APBD",
    "apbd_version.agree": "mencatat persetujuan bersama DPRD atas RAPBD",
    "apbd_version.approve": "menyetujui pergeseran anggaran",
    "apbd_version.create": "membuat versi APBD",
    "apbd_version.evaluate": "mencatat hasil evaluasi Gubernur",
    "apbd_version.publish": "menerbitkan APBD untuk publik",
    "apbd_version.refine": "membuka penyempurnaan hasil evaluasi Gubernur",
    "apbd_version.submit": "mengajukan RAPBD ke DPRD",
    "cash_plan.update": "mengubah anggaran kas DPA",
    "ceiling.delete": "menghapus plafon",
    "ceiling.set": "menetapkan plafon",
    "dpa.issue": "menerbitkan DPA",
    "dpa.prepare": "menyiapkan DPA dari APBD yang ditetapkan",
    "feedback.answer": "menjawab masukan warga",
    "feedback.approve": "menampilkan masukan warga",
    "feedback.reject": "menolak masukan warga",
    "feedback.submit": "mengirim masukan warga",
    "fiscal_year.set_current": "menetapkan tahun anggaran berjalan",
    "kua_account_line.delete": "menghapus rekening KUA-PPAS",
    "kua_account_line.set": "menetapkan rekening KUA-PPAS",
    "kua_ppas.agree": "mencatat nota kesepakatan KUA-PPAS",
    "kua_ppas.create": "membuat KUA-PPAS",
    "kua_ppas.lock": "mengunci plafon KUA-PPAS",
    "kua_ppas.submit": "mengajukan KUA-PPAS ke DPRD",
    "proposal.accept": "mengakomodasi usulan ke Renja",
    "proposal.advance_stage": "menaikkan usulan ke tahap berikutnya",
    "proposal.defer": "menunda usulan ke tahun lain",
    "proposal.moderate": "meloloskan usulan warga dari moderasi",
    "proposal.moderate_reject": "menolak usulan warga dalam moderasi",
    "proposal.reject": "menolak usulan",
    "proposal.submit": "mencatat usulan",
    "job.request": "meminta dokumen",
    "job.retry": "mengulang pekerjaan yang gagal",
    "progress.record": "mencatat kemajuan sub-kegiatan",
    "realization.record": "mencatat realisasi",
    "realization_month.close": "menutup bulan realisasi",
    "realization_month.reopen": "membuka kembali bulan realisasi",
    "reference.create": "menambah data referensi",
    "reference.delete": "menghapus data referensi",
    "reference.import_nomenclature": "mengimpor nomenklatur",
    "reference.load": "memuat data referensi",
    "reference.update": "mengubah data referensi",
    "renja.advance": "melanjutkan Renja ke tahap berikutnya",
    "renja.comment": "memberi catatan pada Renja",
    "renja.create": "membuat Renja",
    "renja.finalise": "menetapkan Renja final",
    "renja.import_lines": "mengimpor baris Renja",
    "renja.return": "mengembalikan Renja ke OPD",
    "renja.submit": "mengajukan Renja ke Bappeda",
    "renja.verify": "memverifikasi Renja",
    "renja_line.create": "menambah sub-kegiatan ke Renja",
    "renja_line.delete": "menghapus baris Renja",
    "renja_line.update": "mengubah baris Renja",
    "renstra.create": "membuat Renstra",
    "renstra.delete": "menghapus Renstra",
    "renstra.import_programs": "mengimpor program Renstra",
    "renstra_program.create": "menambah program Renstra",
    "renstra_program.delete": "menghapus program Renstra",
    "rka.approve": "menyetujui RKA",
    "rka.comment": "memberi catatan asistensi RKA",
    "rka.reopen": "membuka kembali RKA",
    "rka.return": "mengembalikan RKA ke OPD",
    "rka.submit": "mengajukan RKA ke TAPD",
    "rka_line.create": "menambah rincian RKA",
    "rka_line.delete": "menghapus rincian RKA",
    "rka_line.import": "mengimpor rincian RKA",
    "rka_line.update": "mengubah rincian RKA",
    "rka_sub_kegiatan.create": "menambah sub-kegiatan ke RKA",
    "rkpd.consolidate": "mengonsolidasikan RKPD",
    "rkpd.finalize": "menetapkan RKPD final",
    "rpjmd.create": "membuat RPJMD",
    "rpjmd.import_targets": "mengimpor sasaran RPJMD",
    "rpjmd_goal.create": "menambah tujuan RPJMD",
    "rpjmd_goal.delete": "menghapus tujuan RPJMD",
    "rpjmd_target.create": "menambah sasaran RPJMD",
    "rpjmd_target.delete": "menghapus sasaran RPJMD",
    "standard_price.import": "mengimpor standar harga",
    "user.create": "membuat pengguna",
    "user.password": "mengganti kata sandi pengguna",
}

# Kinds of object whose model has no Indonesian name of its own.
OBJECTS = {
    "budgeting.apbdtotal": "jumlah APBD",
    "budgeting.cashplan": "anggaran kas",
    "budgeting.kuaaccountline": "rekening KUA-PPAS",
    "budgeting.rkacomment": "catatan asistensi RKA",
    "budgeting.rkasubkegiatan": "sub-kegiatan RKA",
    "budgeting.transition": "perpindahan status",
    "planning.proposalstatuschange": "perubahan status usulan",
    "planning.renjatransition": "perpindahan status Renja",
}

# Recorded fields whose model field has no Indonesian name of its own, and summary keys that are no field.
FIELDS = {
    "account": "kode rekening",
    "amount": "jumlah",
    "answer": "jawaban",
    "author": "penulis",
    "ceiling_total": "jumlah plafon OPD",
    "ceilings": "banyak plafon",
    "count": "banyak baris",
    "created_at": "dibuat",
    "current": "tahun berjalan",
    "description": "keterangan",
    "dimensi": "menurut",
    "fiscal_year": "tahun anggaran",
    "funding_source": "sumber dana",
    "id": "ID",
    "is_resolved": "selesai",
    "kua_ppas": "KUA-PPAS",
    "line": "rincian",
    "location": "lokasi",
    "moderation_note": "alasan moderasi",
    "note": "catatan",
    "number": "nomor",
    "opd": "OPD",
    "program": "program",
    "outside_renja_reason": "alasan di luar Renja",
    "periode": "periode",
    "recipient": "penerima",
    "reopened": "OPD yang RKA-nya dibuka kembali",
    "renja": "Renja",
    "renja_line": "baris Renja",
    "rincian": "tingkat rincian",
    "rka": "RKA",
    "specification": "spesifikasi",
    "stage": "tahap",
    "standard_price": "standar harga",
    "state": "status",
    "status": "status",
    "sub_kegiatan": "sub-kegiatan",
    "text": "catatan",
    "unit_1": "satuan 1",
    "unit_2": "satuan 2",
    "unit_3": "satuan 3",
    "unit_price": "harga satuan",
    "updated_at": "diubah",
    "version": "versi data",
    "volume_1": "volume 1",
    "volume_2": "volume 2",
    "volume_3": "volume 3",
    "work_package": "paket pekerjaan",
    "year": "tahun",
}


def _model(object_type):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(action):
    """'rka.submit' -> 'mengajukan RKA ke TAPD'; an action without a label reads as stored."""
    return ACTIONS.get(action, action)


def object_label(object_type):
    """'masterdata.user' -> 'Pengguna'; a type that is no model (any more) reads as stored."""
    if object_type in OBJECTS:
        return capfirst(OBJECTS[object_type])
    model = _model(object_type)
    return capfirst(model._meta.verbose_name) if model else object_type


def field_label(object_type, key):
    """A recorded field by its Indonesian name: the model field's own when it was given one, else this table's,
    else the key as stored."""
    model = _model(object_type)
    try:
        # A summary key may name a reverse relation ("ceilings"), which has no verbose name.
        name = str(getattr(model._meta.get_field(key), "verbose_name", "")) if model else None
    except FieldDoesNotExist:
        name = None
    if name and name != key.replace("_", " "):  # Django's default name is the key, in English
        return name
    return FIELDS.get(key, key)
