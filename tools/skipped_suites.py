"""Lists the test suites of the last `tools/pybuffer-dev test` that did not run, and why: the
tests CTest skipped in each build (its JUnit file, CMakePresets.json's outputJUnitFile) and
the suites the configuration did not register (<build>/not_registered.txt). A skip is never
a pass: this list is printed last.

    python3 tools/skipped_suites.py BUILD_DIR...
"""
import os
import sys
import xml.etree.ElementTree as ElementTree


def reason_of(case):
    """The test's own account of the skip (its first line saying so), else CTest's."""
    lines = [line.strip() for line in (case.findtext("system-out") or "").splitlines()]
    for line in lines:
        if line.lower().startswith(("not run", "skip")):
            return line
    said = [line for line in lines if line]
    if said:
        return said[-1]
    skipped = case.find("skipped")
    return skipped.get("message", "skipped") if skipped is not None else "skipped"


def main(build_dirs):
    rows = []
    for build in build_dirs:
        name = os.path.basename(os.path.normpath(build))
        junit = os.path.join(build, "junit.xml")
        if os.path.exists(junit):
            for case in ElementTree.parse(junit).getroot().iter("testcase"):
                if case.get("status") in ("notrun", "disabled"):
                    rows.append((name, case.get("name"), "skipped: " + reason_of(case)))
        else:
            rows.append((name, "(every test)", "no test results (%s): the workflow stopped "
                         "before its tests ran" % junit))
        records = os.path.join(build, "not_registered.txt")
        if os.path.exists(records):
            with open(records, encoding="utf-8") as file:
                for line in file:
                    suite, _, reason = line.rstrip("\n").partition("\t")
                    if suite:
                        rows.append((name, suite, "not registered: " + reason))
    print()
    if not rows:
        print("Suites that did not run: none")
        return 0
    print("Suites that did not run (%d): not passed, whatever the totals above say" % len(rows))
    for build, suite, reason in rows:
        print("  %-8s %s -- %s" % (build, suite, reason))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
