"""The demo's literal tables (names, prices, targets, line templates) live in `demo/data/<stage>.json`, so
that each stage's module holds only what builds the year; each file is read once, when its module loads."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _frozen(value):
    # Arrays come back as tuples: the tables are read, never changed.
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def load(stage):
    """{table name: table} of `demo/data/<stage>.json`."""
    with open(DATA_DIR / f"{stage}.json", encoding="utf-8") as file:
        return _frozen(json.load(file))
