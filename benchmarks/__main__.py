"""`make bench`: every benchmark in this folder, one after the other."""

import sys

from benchmarks import budget_lines, documents, public_pages, reference_pages


def main():
    results = [module.run() for module in (reference_pages, budget_lines, public_pages, documents)]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
