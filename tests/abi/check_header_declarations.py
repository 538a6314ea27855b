"""abi.header_declarations: the functions the public headers declare for export are exactly
abi/exported_symbols.txt. A PYBUFFER_API declaration missing from the version script links
in the static library but not against the shared one; a listed name the header does not
declare is a symbol no consumer can call.

Usage: check_header_declarations.py <exported_symbols.txt> <pybuffer.h> [<legacy.h>...]

The tables each header expands (#define PYBUFFER_FUNCTIONS(X), PYBUFFER_LEGACY_FUNCTIONS(X),
each of which lists two nested tables) give a plain name and its pybuffer_ twin per row.
"""
import re
import sys


def table_rows(tables, name, within):
    """The names of table `name`'s rows in order, a nested table's rows in its place."""
    if name in within:
        sys.exit("table %s includes itself (through %s)" % (name, " -> ".join(within)))
    rows = []
    for row, nested in re.findall(r"\bX\(\s*[^,()]+?\s*,\s*(\w+)\s*,|\b(PYBUFFER_\w+)\(X\)",
                                  tables[name]):
        if nested and nested not in tables:
            sys.exit("table %s names %s, which is no table of the header" % (name, nested))
        rows += table_rows(tables, nested, within + [name]) if nested else [row]
    if not rows:
        sys.exit("no rows found in the header's table %s" % name)
    return rows


def declared_names(header_text):
    # A section for CPython 2.7's headers ("#if ... PY_MAJOR_VERSION == 2" up to its #else,
    # with no #endif between) declares libpybuffer-py27's names, which
    # abi/exported_symbols-py27.txt lists.
    header_text = re.sub(r"\n#if [^\n]*PY_MAJOR_VERSION == 2\n(?:(?!\n#endif).)*?\n#else\n", "\n",
                         header_text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", " ", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text.replace("\\\n", " ")
    lines = text.splitlines()
    directives = [line for line in lines if line.lstrip().startswith("#")]
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))

    # The tables every function and its twin are generated from: each is expanded in the
    # code with a declaring macro, and may list another table among its rows.
    tables = {}
    for directive in directives:
        table = re.match(r"\s*#\s*define\s+(PYBUFFER_\w+)\(X\)(.*)", directive)
        if table:
            tables[table.group(1)] = table.group(2)
    expanded = [name for name in re.findall(r"\b(PYBUFFER_\w+)\(\s*PYBUFFER_\w+\s*\)", code)
                if name in tables]
    if not expanded:
        sys.exit("no PYBUFFER_*(X) table is expanded in the header")
    names = set()
    for table in expanded:
        rows = table_rows(tables, table, [])
        names |= set(rows) | {"pybuffer_" + row for row in rows}

    # Functions declared one by one outside the preprocessor (pybuffer's own functions).
    own = re.findall(r"\bPYBUFFER_API\b[^;{}()]*?\b(\w+)\s*\(", code)
    return names | set(own)


def main():
    listed_path, headers = sys.argv[1], sys.argv[2:]
    declared = set()
    for header in headers:
        with open(header, encoding="utf-8") as f:
            declared |= declared_names(f.read())
    with open(listed_path, encoding="utf-8") as f:
        listed = {line.strip() for line in f if line.strip()}
    missing = sorted(declared - listed)
    extra = sorted(listed - declared)
    for name in missing:
        print("declared for export in the header, not in %s: %s" % (listed_path, name))
    for name in extra:
        print("listed in %s, not declared by the header: %s" % (listed_path, name))
    if missing or extra:
        return 1
    print("%d names: the header declares exactly the exported symbols" % len(declared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
