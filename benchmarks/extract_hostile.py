"""extract on hostile text: the three shapes that were quadratic (a run of dots, one sentence
without an end, one sentence packed with figures), at growing sizes. Linear means that doubling
the size about doubles the time. Run: python benchmarks/extract_hostile.py [--size-kb 1024]"""

from __future__ import annotations

import argparse
import time
from datetime import date

from osintlog.extract import extract

SHAPES = {
    "dots": lambda n: "Troops. " + "." * n + " Then 400 drones were launched.",
    "long sentence": lambda n: ("the troops moved on " * (n // 20 + 1))[:n] + " said X",
    "many figures": lambda n: (
        "The ministry said " + ", ".join(f"{i % 900 + 100} drones" for i in range(n // 12))
    )[:n],
    "digits": lambda n: "A report of " + "9" * n + " soldiers.",
    "verbs of saying": lambda n: ("A, said the (UNHCR) said " * (n // 26 + 1))[:n],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-kb", type=int, default=1024)
    size = parser.parse_args().size_kb * 1024
    print(f"{'shape':<14} {'size':>9} {'seconds':>8}  candidates")
    for name, shape in SHAPES.items():
        for part in (size // 4, size // 2, size):
            text = shape(part)
            started = time.perf_counter()
            found = extract(text, today=date(2025, 9, 1), reported="2025-08-31")
            took = time.perf_counter() - started
            print(f"{name:<14} {len(text):>9,} {took:>8.2f}  {len(found)}")


if __name__ == "__main__":
    main()
