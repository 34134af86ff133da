"""The diff of two APBD versions as API shapes: rollups and paginated changed, added and removed lines."""

from drf_spectacular.utils import OpenApiParameter

DIFF_PARAMETERS = [
    OpenApiParameter(
        "from", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, required=True, description="Id versi lama."
    ),
    OpenApiParameter(
        "to", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, required=True, description="Id versi baru."
    ),
]


class DiffLines:
    """The changed, added and removed lines of a diff as one sequence that a page slices without loading
    the rest: one count per kind and one query per kind the page touches."""

    def __init__(self, parts):
        self.parts = parts
        self._sizes = None

    def sizes(self):
        if self._sizes is None:
            self._sizes = [queryset.count() for _, queryset in self.parts]
        return self._sizes

    def count(self):
        return sum(self.sizes())

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        rows = []
        for (change, queryset), size in zip(self.parts, self.sizes(), strict=True):
            if start < size and stop > 0:
                rows += [diff_row(change, line) for line in queryset[max(start, 0) : min(stop, size)]]
            start, stop = start - size, stop - size
        return rows


def code_of(sub):
    return sub.sub_kegiatan.code if sub else None


def diff_row(change, line):
    line.change = change
    if change == "changed":
        line.old_sub_kegiatan_code = line.old_sub_kegiatan_code or None
        line.new_sub_kegiatan_code = line.new_sub_kegiatan_code or None
        return line
    own = {"account_code": line.account.code, "sub_kegiatan_code": code_of(line.sub_kegiatan), "amount": line.amount}
    side, other = ("new", "old") if change == "added" else ("old", "new")
    for name, value in own.items():
        setattr(line, f"{side}_{name}", value)
        setattr(line, f"{other}_{name}", None)
    line.delta = line.amount if change == "added" else -line.amount
    return line
