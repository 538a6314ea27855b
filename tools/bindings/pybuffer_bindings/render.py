"""The report as text (deterministic: no addresses unless verbose) or as JSON."""
from pybuffer_bindings.functions import FUNCTIONS
from pybuffer_bindings.report import served

SCHEMA = "pybuffer-bindings/1"


def _target_label(binding):
    if binding.target_entry is not None:
        return binding.target_entry.loaded.name
    if binding.target is not None:
        return binding.target.name
    return "nothing"


def _interpreter_sentence(verdict):
    sources = sorted({e.loaded.name for e in verdict.interpreter_objects
                      for b in e.bindings if served(b)})
    pybuffer = ", ".join(sorted({e.loaded.name for e in verdict.pybuffer})) or "pybuffer"
    owners = ", ".join(e.loaded.name for e in verdict.interpreter_objects if e.defines)
    if verdict.interpreter == "no":
        if not verdict.interpreter_elsewhere:
            return "no (%s calls its own definitions directly)" % (owners or "the interpreter")
        return "no (%s)" % ", ".join(verdict.interpreter_elsewhere)
    detail = "%s -> %s" % (", ".join(sources), pybuffer)
    if verdict.interpreter_direct:
        detail += "; %d of %d functions, the other %d called directly if at all" % (
            len(verdict.interpreter_served), len(FUNCTIONS),
            len(FUNCTIONS) - len(verdict.interpreter_served))
    if verdict.interpreter_elsewhere:
        detail += "; not: %s" % ", ".join(verdict.interpreter_elsewhere)
    return "%s (%s)" % (verdict.interpreter, detail)


def _extensions_sentence(verdict):
    if verdict.extensions == "none":
        return "none loaded calls a buffer function by name"
    detail = "%d of %d modules" % (len(verdict.modules_served), verdict.modules_total)
    if verdict.modules_elsewhere:
        detail += "; not: %s" % ", ".join(verdict.modules_elsewhere)
    return "%s (%s)" % (verdict.extensions, detail)


def verdict_sentence(verdict):
    if not verdict.pybuffer:
        return ("pybuffer is not loaded in this process: nothing binds to it (a copy linked "
                "into an extension module is called by its pybuffer_ names, invisible here; "
                "PYBUFFER_CALL_COUNTS counts its calls)")
    if not verdict.anything_served:
        if verdict.targets:
            return "pybuffer serves NOTHING here: every reference binds to %s" % ", ".join(
                verdict.targets)
        return "pybuffer serves NOTHING here: no loaded object refers to a buffer function"
    return "pybuffer serves: the interpreter's own calls: %s; extension modules' calls: %s" % (
        _interpreter_sentence(verdict), _extensions_sentence(verdict))


def text(context, entries, verdict, verbose):
    lines = ["pybuffer binding report: %s" % context["python"]]
    lines.append("executable: %s" % context["executable"])
    if context["imported"]:
        lines.append("imported: %s" % " ".join(context["imported"]))
    if context["builtin"]:
        lines.append("built into the interpreter: %s" % " ".join(context["builtin"]))
    if context["unavailable"]:
        lines.append("not available: %s" % " ".join(context["unavailable"]))
    lines.append("")
    lines.append("objects:")
    for entry in entries:
        where = " at 0x%x" % entry.loaded.base if verbose else ""
        module = " (%s)" % ", ".join(entry.modules) if entry.modules else ""
        if entry.loaded_by_report:
            module += " [loaded by this report]"
        symbolic = " [symbolic]" if entry.info.symbolic else ""
        lines.append("  %-10s %s%s%s%s" % (entry.role, entry.loaded.path, module, symbolic,
                                           where))
    lines.append("")
    lines.append("references (object, relocation -> the object it binds to):")
    width = max([len(e.label) for e in entries] or [0])
    for name in FUNCTIONS:
        rows = []
        for entry in entries:
            for binding in entry.bindings:
                if binding.relocation.symbol.name != name:
                    continue
                state = ""
                if binding.state in ("mismatch", "unresolved", "self"):
                    state = "  [%s]" % binding.state
                elif verbose:
                    state = "  [%s]" % binding.state
                if verbose and binding.address:
                    state += " 0x%x" % binding.address
                rows.append("    %-*s %-10s -> %s%s" % (width, entry.label,
                                                        binding.relocation.type_name,
                                                        _target_label(binding), state))
            if name in entry.defines and entry.interpreter() and not any(
                    b.relocation.symbol.name == name for b in entry.bindings):
                rows.append("    %-*s %-10s    its own definition, called directly" % (
                    width, entry.label, "internal"))
        lines.append("  %s" % name)
        lines.extend(rows or ["    (no reference)"])
    for binding in verdict.mismatches:
        lines.append("warning: %s's slot for %s is filled with %s, not the definition "
                     "dlsym finds" % (binding.source.name, binding.relocation.symbol.name,
                                      _target_label(binding)))
    lines.append("")
    lines.append(verdict_sentence(verdict))
    return "\n".join(lines) + "\n"


def as_json(context, entries, verdict, verbose):
    """Schema pybuffer-bindings/1: "objects" (path, role: executable, libpython, pybuffer,
    extension or library; modules; defines), "functions" (per name: "references", each with
    object, relocation, target, served and state; "defined_by"; "internal"), "served"
    ("interpreter" and "extension_modules", each with a verdict yes/partly/no, or none for
    modules; "anything") and "verdict", the sentence the text ends with."""
    import json  # only here: its extension module would otherwise show in every report

    functions = {}
    for name in FUNCTIONS:
        references, internal = [], []
        for entry in entries:
            for binding in entry.bindings:
                if binding.relocation.symbol.name == name:
                    item = {"object": entry.loaded.path, "role": entry.role,
                            "modules": entry.modules,
                            "relocation": binding.relocation.type_name,
                            "target": (binding.target.path if binding.target else None),
                            "served": served(binding), "state": binding.state}
                    if verbose:
                        item["address"] = binding.address
                    references.append(item)
            if name in entry.defines and not any(b.relocation.symbol.name == name
                                                 for b in entry.bindings):
                internal.append(entry.loaded.path)
        functions[name] = {"references": references,
                           "defined_by": [e.loaded.path for e in entries if name in e.defines],
                           "internal": internal}
    document = {
        "schema": SCHEMA,
        "python": context["python"],
        "executable": context["executable"],
        "imported": context["imported"],
        "builtin": context["builtin"],
        "unavailable": context["unavailable"],
        "pybuffer": {"loaded": bool(verdict.pybuffer),
                     "objects": [e.loaded.path for e in verdict.pybuffer]},
        "objects": [{"path": e.loaded.path, "role": e.role, "modules": e.modules,
                     "loaded_by_report": e.loaded_by_report,
                     "symbolic": e.info.symbolic, "defines": sorted(e.defines)}
                    for e in entries],
        "functions": functions,
        "served": {
            "interpreter": {"verdict": verdict.interpreter,
                            "objects": [e.loaded.path for e in verdict.interpreter_objects],
                            "functions": verdict.interpreter_served,
                            "not_served": verdict.interpreter_elsewhere,
                            "called_directly": verdict.interpreter_direct},
            "extension_modules": {"verdict": verdict.extensions,
                                  "calling": verdict.modules_total,
                                  "served": verdict.modules_served,
                                  "not_served": verdict.modules_elsewhere},
            "anything": verdict.anything_served,
        },
        "mismatches": len(verdict.mismatches),
        "verdict": verdict_sentence(verdict),
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
