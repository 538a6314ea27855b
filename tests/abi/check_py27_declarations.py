"""abi.py27.header_declarations: what a C file compiled against CPython 2.7's headers sees
declared, with <pybuffer/pybuffer.h> and <pybuffer/legacy.h> after Python.h, against
abi/exported_symbols-py27.txt: the pybuffer_ names declared (functions and data) are exactly
the list's, and every plain name listed is declared (by 2.7's headers, which declare more).
A twin declared but not exported compiles and then fails to link; a listed twin left
undeclared is a symbol no consumer can call.

The headers are read through the C preprocessor, so their #if sections for 2.7 are taken as
a compiler takes them.

Usage: check_py27_declarations.py <exported_symbols-py27.txt> <C compiler> <2.7 include dir>
                                  <project include dir>
"""
import re
import subprocess
import sys

SOURCE = b"#include <Python.h>\n#include <pybuffer/pybuffer.h>\n#include <pybuffer/legacy.h>\n"


def preprocessed(compiler, py27_include, project_include):
    result = subprocess.run([compiler, "-E", "-P", "-x", "c", "-I", py27_include, "-I",
                             project_include, "-"], input=SOURCE, capture_output=True, check=False)
    if result.returncode != 0:
        sys.exit("the preprocessor failed:\n" + result.stderr.decode(errors="replace"))
    return result.stdout.decode(errors="replace")


def declared(text, name):
    """Whether `name` is declared as a function or as extern data in the preprocessed text."""
    escaped = re.escape(name)
    return bool(re.search(r"\b%s\s*\(" % escaped, text) or
                re.search(r"\bextern\b[^;{}]*\b%s\s*;" % escaped, text))


def main():
    listed_path, compiler, py27_include, project_include = sys.argv[1:5]
    text = preprocessed(compiler, py27_include, project_include)
    with open(listed_path, encoding="utf-8") as f:
        listed = {line.strip() for line in f if line.strip()}
    twins_declared = {name for name in set(re.findall(r"\bpybuffer_\w+", text))
                      if declared(text, name)}
    problems = []
    for name in sorted(twins_declared - listed):
        problems.append("declared under 2.7's headers, not in %s: %s" % (listed_path, name))
    for name in sorted(listed):
        if not declared(text, name):
            problems.append("listed in %s, not declared under 2.7's headers: %s"
                            % (listed_path, name))
    for line in problems:
        print(line)
    if problems:
        return 1
    print("%d names listed, %d pybuffer_ names declared: each listed name is declared, each "
          "declared pybuffer_ name listed" % (len(listed), len(twins_declared)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
