#!/usr/bin/env python3
"""Checks that a translation of the desktop client is current and complete.

lupdate runs over the client's sources exactly as `ninja parley_ui_lupdate`
does (the project file CMake wrote), but into a copy of the .ts file, so the
checked-in file is never touched. Then every message the client shows must
have a finished translation with the same placeholders (%1, %n, %L1 ...) as
its English source. A failure names the strings and what to run.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

PLACEHOLDER = re.compile(r"%L?(?:\d{1,2}|n)")
MAX_LISTED = 25


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def problems_in(ts_path):
    problems = []
    root = ET.parse(ts_path).getroot()
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "missing"
            if kind in ("vanished", "obsolete"):
                continue
            source = message.findtext("source") or ""
            where = f"{name}: {source!r}"
            if kind == "unfinished" or kind == "missing":
                problems.append(f"not translated: {where}")
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")]
            texts = forms if message.get("numerus") == "yes" else [translation.text or ""]
            if not texts or any(not t.strip() for t in texts):
                problems.append(f"empty translation: {where}")
                continue
            for text in texts:
                # %n may be left out of a singular form ("eine Datei").
                want = placeholders(source)
                got = placeholders(text)
                if message.get("numerus") == "yes":
                    want = [p for p in want if p != "%n"]
                    got = [p for p in got if p != "%n"]
                if want != got:
                    problems.append(f"placeholders {got} instead of {want}: {where} -> {text!r}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lupdate", required=True)
    parser.add_argument("--project-cmake", required=True,
                        help="the project description qt_add_lupdate generated")
    parser.add_argument("--cmake", required=True)
    parser.add_argument("--generator", required=True,
                        help="Qt's GenerateLUpdateProject.cmake, which makes lupdate's JSON")
    parser.add_argument("ts", nargs="+")
    args = parser.parse_args()
    failed = False
    for ts in map(Path, args.ts):
        with tempfile.TemporaryDirectory() as tmp:
            # lupdate's project file, made the way `ninja parley_ui_lupdate`
            # makes it (CMake writes only its description at generate time).
            project = Path(tmp) / "project.json"
            made = subprocess.run([args.cmake, f"-DIN_FILE={args.project_cmake}",
                                   f"-DOUT_FILE={project}", "-P", args.generator],
                                  capture_output=True, text=True, timeout=120)
            if made.returncode != 0:
                print(made.stdout + made.stderr, file=sys.stderr)
                print("cannot make lupdate's project file", file=sys.stderr)
                return 1
            copy = Path(tmp) / ts.name
            shutil.copy(ts, copy)
            run = subprocess.run([args.lupdate, "-project", str(project), "-ts", str(copy)],
                                 capture_output=True, text=True, timeout=300)
            if run.returncode != 0:
                print(run.stdout + run.stderr, file=sys.stderr)
                print(f"{ts.name}: lupdate failed ({run.returncode})", file=sys.stderr)
                return 1
            found = re.search(r"Found (\d+) source text\(s\) \((\d+) new", run.stdout)
            problems = problems_in(copy)
        if found is None:
            print(run.stdout, file=sys.stderr)
            print(f"{ts.name}: cannot read lupdate's summary", file=sys.stderr)
            return 1
        total, new = int(found.group(1)), int(found.group(2))
        print(f"{ts.name}: {total} strings in the client, {new} new to the file, "
              f"{len(problems)} problems")
        if new:
            print(f"  {new} strings are not in {ts.name} yet: run `ninja parley_ui_lupdate` "
                  "and translate them")
            failed = True
        for line in problems[:MAX_LISTED]:
            print("  " + line)
        if len(problems) > MAX_LISTED:
            print(f"  ... and {len(problems) - MAX_LISTED} more")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
