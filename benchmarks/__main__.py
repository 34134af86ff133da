"""`make bench`: every benchmark in this folder, one after the other."""

import sys

from benchmarks import budget_lines, reference_pages


def main():
    results = [module.run() for module in (reference_pages, budget_lines)]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
