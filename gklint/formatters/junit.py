"""``junit``: JUnit XML for CI test-report views (GitLab ``artifacts:reports:junit``, Jenkins, Azure …).

One ``<testsuite name="gklint">``, one ``<testcase>`` per file checked (``classname`` the folder, ``name`` the
file's path): a file with an error-severity finding has a ``<failure>`` listing all its findings, one
``path:line:col: severity CODE message`` line each; a file without errors passes, its warnings and notes in
``<system-out>``. Files without any finding are listed too (the paths of ``sources``), so the report shows what
was checked.
"""
from __future__ import annotations

from itertools import groupby
from typing import Any, TextIO

from ..diagnostics import Diagnostic, Severity
from .concise import format_line


def write(diagnostics: list[Diagnostic], stream: TextIO, *, sources: dict | None = None,
          **_options: Any) -> None:
    from xml.etree import ElementTree as ET   # here: every check imports this module, few write JUnit

    by_path = {p: list(g) for p, g in groupby(diagnostics, key=lambda d: d.path)}
    paths = list(dict.fromkeys([*(sources or {}), *by_path]))
    failures = sum(1 for p in paths if any(d.severity is Severity.ERROR for d in by_path.get(p, [])))
    root = ET.Element("testsuites", name="gklint", tests=str(len(paths)), failures=str(failures), errors="0")
    suite = ET.SubElement(root, "testsuite", name="gklint", tests=str(len(paths)), failures=str(failures),
                          errors="0", skipped="0")
    for p in paths:
        diags = by_path.get(p, [])
        folder, _sep, _name = p.replace("\\", "/").rpartition("/")
        case = ET.SubElement(suite, "testcase", classname=folder or ".", name=p, time="0")
        text = "\n".join(format_line(d) for d in diags)
        errors = [d for d in diags if d.severity is Severity.ERROR]
        if errors:
            fail = ET.SubElement(case, "failure", type=errors[0].code,
                                 message=f"{len(errors)} 个错误，共 {len(diags)} 个问题")
            fail.text = text
        elif diags:
            ET.SubElement(case, "system-out").text = text
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
