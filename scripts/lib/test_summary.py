#!/usr/bin/env python3
"""The closing summary of scripts/test: phase times, what passed and failed,
and the slowest tests, read from CTest's JUnit file (ctest --output-junit).

    test_summary.py --junit FILE [--phases FILE] [--slowest N]

--phases names a file of "phase<TAB>seconds" lines (written by scripts/test).
The last line is the plain "tests: N passed, N failed, N skipped" that CI reads.
Exit status: 0 when nothing failed and at least one test ran, else 1.
"""

import argparse
import sys
import xml.etree.ElementTree as ET


def read_cases(path):
    """(name, seconds, status) per test; status is passed, failed or skipped."""
    root = ET.parse(path).getroot()
    cases = []
    for case in root.iter("testcase"):
        status = case.get("status", "")
        if case.find("failure") is not None or case.find("error") is not None:
            status = "failed"
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            status = "skipped"
        elif status in ("run", "", "passed"):
            status = "passed"
        else:
            status = "failed"
        try:
            seconds = float(case.get("time", "0"))
        except ValueError:
            seconds = 0.0
        cases.append((case.get("name", "?"), seconds, status))
    return cases


def read_phases(path):
    phases = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, _, seconds = line.rstrip("\n").partition("\t")
            if name and seconds.isdigit():
                phases.append((name, int(seconds)))
    return phases


def minutes(seconds):
    return "%dm%02ds" % divmod(int(round(seconds)), 60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--junit", required=True)
    ap.add_argument("--phases")
    ap.add_argument("--slowest", type=int, default=10)
    args = ap.parse_args()

    print()
    print("==> summary")
    if args.phases:
        phases = read_phases(args.phases)
        for name, seconds in phases:
            print("    %-34s %6ds  %s" % (name, seconds, minutes(seconds)))
        total = sum(s for _, s in phases)
        print("    %-34s %6ds  %s" % ("total", total, minutes(total)))

    try:
        cases = read_cases(args.junit)
    except (OSError, ET.ParseError) as e:
        print("scripts/test: no test results (%s)" % e, file=sys.stderr)
        print("tests: 0 passed, 0 failed")
        return 1

    failed = [c for c in cases if c[2] == "failed"]
    passed = [c for c in cases if c[2] == "passed"]
    skipped = [c for c in cases if c[2] == "skipped"]
    ran = [c for c in cases if c[2] != "skipped"]
    if ran:
        print()
        print("    slowest %d tests (of %d, %s of test time):" % (
            min(args.slowest, len(ran)), len(ran), minutes(sum(c[1] for c in ran))))
        for name, seconds, status in sorted(ran, key=lambda c: -c[1])[:args.slowest]:
            mark = "" if status == "passed" else "  (%s)" % status
            print("    %7.1fs  %s%s" % (seconds, name, mark))
    if skipped:
        print()
        print("    skipped: %d (CTest printed why above)" % len(skipped))
    if failed:
        print()
        print("    failed:")
        for name, seconds, _ in failed:
            print("      %s (%.1fs)" % (name, seconds))
    print()
    print("tests: %d passed, %d failed, %d skipped" % (len(passed), len(failed), len(skipped)))
    return 0 if ran and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
