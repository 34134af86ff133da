"""What the HTML views of every stage share: paging, the year a page is for, the pickers' answers, who may do
what on a document an OPD prepares and a verifier checks, and how a service's refusal reaches the form."""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from . import access
from .errors import StaleObject, TransitionNotAllowed
from .models import FiscalYear
from .selectors import current_fiscal_year, find_fiscal_year

UNPROCESSABLE = 422
CONFLICT = 409
PAGE_SIZE = 50
PICKER_LIMIT = 20
PICKER_PREFIX = re.compile(r"^(add|line\d+)$")
QUERY_LENGTH = 100


def page_of(request, rows, size=PAGE_SIZE):
    """The page ?page= asks for, with the page numbers the pagination partial shows (`elided_range`)."""
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page


def requested_year(request):
    """The fiscal year named by ?tahun=, else the current one."""
    year = request.GET.get("tahun", "")
    if year.isdigit():
        fiscal_year = find_fiscal_year(int(year))
        if fiscal_year is not None:
            return fiscal_year
    return current_fiscal_year()


def posted_year(request):
    """The fiscal year a form posted as `tahun` (404 when there is no such year)."""
    year = request.POST.get("tahun", "")
    return get_object_or_404(FiscalYear, year=int(year) if year.isdigit() else 0)


def search_text(params, name="q"):
    return params.get(name, "").strip()[:QUERY_LENGTH]


def url_to(viewname, *args, anchor=""):
    url = reverse(viewname, args=args)
    return f"{url}#{anchor}" if anchor else url


def error_text(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def form_error_text(form):
    """Every error of a form as one message, for a page answered without htmx."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def htmx_swappable(response, target):
    """An htmx form posts into a table; its errors belong in the panel that holds the form instead."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response


def state_counts(counts, choices):
    """Every state with its label and how many documents are in it, zero included (the filter's tabs)."""
    return [(value, label, counts.get(value, 0)) for value, label in choices]


# --- Pickers -------------------------------------------------------------------------------------


def picker_prefix(request):
    """The form (add, or the edit form of one line) a picker's request comes from."""
    prefix = request.GET.get("prefix", "")
    if not PICKER_PREFIX.match(prefix):
        raise Http404
    return prefix


def picker_results(prefix, query, options, selected, **extra):
    """A picker's results: the chosen option stays on top, then up to PICKER_LIMIT others that match."""
    return {
        "prefix": prefix,
        "query": query,
        "options": [option for option in options[:PICKER_LIMIT] if option != selected],
        "more": len(options) > PICKER_LIMIT,
        "selected": selected,
        "search": True,
        **extra,
    }


# --- Documents an OPD prepares and a verifier checks (Renja, RKA) ---------------------------------


def workflow_permissions(user, document, *, edit_perm, verify_perm, comment_perm):
    """What the page offers: editing, verifying and commenting, as the access rules allow."""
    return {
        "can_edit": user.has_perm(edit_perm, document),
        "can_verify": user.has_perm(verify_perm),
        "is_own": bool(access.is_own_opd(user, document)),
        "can_comment": user.has_perm(comment_perm, document),
    }


def moves_for(perms, moves, verifier_moves):
    """Of the moves that apply now, those this user may make: the OPD submits, the verifier does the rest
    (the services decide again on POST)."""
    allowed = {"submit"} if perms["is_own"] else set(verifier_moves) if perms["can_verify"] else set()
    return [move for move in moves if move in allowed]


def run_move(form, move, render_page):
    """A workflow move posted from a page's action card: `move()` runs the service once the form is valid.

    Returns (what `move` returned, None), or (None, the page again from `render_page(status=..., **extra)`):
    with the form's errors (422) or with why the move no longer applies (409).
    """
    if not form.is_valid():
        return None, render_page(status=UNPROCESSABLE, transition_form=form)
    action = form.cleaned_data["action"]  # read now: a service error on a field takes it out of cleaned_data
    try:
        return move(), None
    except TransitionNotAllowed as error:
        return None, render_page(status=CONFLICT, error_message=str(error))
    except ValidationError as error:
        form.add_service_errors(error)
        return None, render_page(status=UNPROCESSABLE, transition_form=form, failed_action=action)


# --- Saving a form through a service ---------------------------------------------------------------


@dataclass
class Outcome:
    status: int = 200
    conflict: dict | None = None

    @property
    def ok(self):
        return self.status == 200


@contextmanager
def refusals_on(form, *, current=None):
    """Runs the service call in the block and puts a refusal on the form, as the outcome's status says:
    values the service rejects on their fields (422), a move that no longer applies on the form (409).

    With `current` (a callable giving the saved object as shown now), a save based on an old version is a
    conflict too: the form keeps what was typed with the newest version, so the next save knowingly wins.
    """
    outcome = Outcome()
    try:
        yield outcome
    except ValidationError as error:
        form.add_service_errors(error)
        outcome.status = UNPROCESSABLE
    except TransitionNotAllowed as error:
        form.add_error(None, str(error))
        outcome.status = CONFLICT
    except StaleObject as error:
        if current is None:
            raise
        newest = current()
        form.data = form.data.copy()
        form.data[form["version"].html_name] = newest.version
        outcome.status, outcome.conflict = CONFLICT, {"message": str(error), "line": newest}


@dataclass(frozen=True)
class AddressRateLimit:
    """At most `limit` submissions of a public form per client address per `window` seconds (no login to
    count by). Counted in the cache, so every web node counts together when the cache is Redis."""

    name: str
    limit: int
    window: int = 60 * 60

    def _key(self, request):
        return f"{self.name}:{request.META.get('REMOTE_ADDR', '')}"

    def exceeded(self, request):
        return cache.get(self._key(request), 0) >= self.limit

    def count(self, request):
        key = self._key(request)
        if not cache.add(key, 1, self.window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.window)
