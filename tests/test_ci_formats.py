"""CI formats and options: SARIF against the official 2.1.0 schema, GitLab Code Quality, JUnit (read back with
junitparser), the GitHub step summary; -o/--output-file, --exit-zero, --quiet, --color; the README's GitHub
Actions and GitLab CI configurations run as written; the README's editor configurations."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import gk, readme_blocks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "reports"
SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


def test_sarif_is_valid_against_the_official_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("/sarif-schema-2.1.0.json")
    out = gk("check", "--no-config", str(REPORTS / "seeds"), str(REPORTS / "published"), "--format", "sarif").stdout
    log = json.loads(out)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(log), key=str)
    assert not errors, errors[:3]
    assert len(log["runs"][0]["results"]) > 20
    fix = next(r["fixes"][0] for r in log["runs"][0]["results"] if r["ruleId"] == "GK204" and "fixes" in r)
    (change,) = fix["artifactChanges"]
    assert change["replacements"][0]["insertedContent"]["text"] in ("本年废止件数", "社会公益组织")
    # and the validator does catch a broken log
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(log))


def test_gitlab_code_quality(tmp_path):
    out = gk("check", "--no-config", str(REPORTS / "seeds"), "--format", "gitlab").stdout
    issues = json.loads(out)
    assert issues and all(set(i) >= {"description", "check_name", "fingerprint", "severity", "location"} for i in issues)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)           # unique, as GitLab requires
    label = next(i for i in issues if i["check_name"] == "GK204" and i["location"]["lines"]["begin"] == 50)
    assert label["location"]["path"].endswith("seeds/002_def60ea53eab62a5.txt")
    assert label["severity"] == "major" and "本年废止件数" in label["description"]
    # fingerprints are structural: the same finding two lines lower keeps its fingerprint
    seed = next((REPORTS / "seeds").glob("002_*.txt"))
    for name, text in (("a", seed.read_text(encoding="utf-8")), ("b", "\n\n" + seed.read_text(encoding="utf-8"))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "002.txt").write_text(text, encoding="utf-8")
    fa, fb = (json.loads(gk("check", "--no-config", "002.txt", "--format", "gitlab", cwd=tmp_path / n).stdout)
              for n in "ab")
    label_a = next(i for i in fa if i["check_name"] == "GK204")
    label_b = next(i for i in fb if i["check_name"] == "GK204")
    assert label_b["location"]["lines"]["begin"] == label_a["location"]["lines"]["begin"] + 2
    assert label_a["fingerprint"] == label_b["fingerprint"]


def test_junit_one_testcase_per_file(tmp_path):
    junitparser = pytest.importorskip("junitparser")
    out = tmp_path / "junit.xml"
    run = gk("check", "--no-config", str(REPORTS / "seeds"), "--format", "junit", "--output-file", str(out))
    assert run.returncode == 1 and run.stdout == ""
    xml = junitparser.JUnitXml.fromfile(str(out))
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    cases = [c for s in suites for c in s]
    assert len(cases) == 5                                   # every seed, also those without an error
    failed = {Path(c.name).name[:3] for c in cases if not c.is_passed}
    assert failed == {"000", "002"}
    c002 = next(c for c in cases if "002_" in c.name)
    assert "error GK203" in c002.result[0].text and ":50:13: warning GK204" in c002.result[0].text


def test_github_step_summary(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    out = gk("check", "--no-config", str(REPORTS / "seeds"), "--format", "github",
             env={"GITHUB_STEP_SUMMARY": str(summary)}).stdout
    assert "::error file=" in out
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## gklint")                       # appended, not overwritten
    assert "检查了 5 个文件" in text and re.search(r"\| \S+002_def60ea53eab62a5.txt \| 50 \| warning \| GK204 \|", text)


def test_output_file_exit_zero_quiet_color(tmp_path):
    f = tmp_path / "a.txt"
    shutil.copyfile(next((REPORTS / "seeds").glob("002_*.txt")), f)
    for opt in ("-o", "--output", "--output-file"):
        target = tmp_path / f"out{opt}.txt"
        run = gk("check", "--no-config", str(f), "--format", "concise", opt, str(target))
        assert run.returncode == 1 and run.stdout == "" and "GK204" in target.read_text(encoding="utf-8")
    assert gk("check", "--no-config", str(f), "--exit-zero").returncode == 0
    loud = gk("check", "--no-config", str(f), "--fix", "--diff")
    quiet = gk("check", "--no-config", str(f), "--fix", "--diff", "--quiet")
    assert "可修复" in loud.stderr and quiet.stderr == "" and quiet.stdout == loud.stdout
    always = gk("check", "--no-config", str(f), "--format", "rich", "--color", "always").stdout
    never = gk("check", "--no-config", str(f), "--format", "rich", "--color", "never").stdout
    assert "\x1b[" in always and "\x1b[" not in never
    assert "\x1b[" not in gk("check", "--no-config", str(f), "--format", "rich", "--no-color").stdout
    assert gk("check", "--no-config", str(f), "--color", "sometimes").returncode == 2


def _run_lines(lines: list[str], cwd: Path) -> list[subprocess.CompletedProcess]:
    done = []
    for line in lines:
        argv = shlex.split(line)
        if argv[0] == "gklint":
            done.append(gk(*argv[1:], cwd=cwd))
    return done


def test_readme_github_actions_workflow_runs_as_written(tmp_path):
    (wf,) = readme_blocks("Use in CI", "yaml")[:1]
    steps = yaml.safe_load(wf)["jobs"]["gklint"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    shutil.copytree(REPORTS / "seeds", tmp_path / "reports")
    summary = tmp_path / "summary.md"
    annotations = gk(*shlex.split(runs[1])[1:], cwd=tmp_path, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert annotations.returncode == 1 and "::error file=reports/" in annotations.stdout and summary.exists()
    sarif = gk(*shlex.split(runs[2])[1:], cwd=tmp_path)
    assert sarif.returncode == 0                                         # --exit-zero: the upload step runs
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    log = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_readme_gitlab_ci_runs_as_written(tmp_path):
    (gl,) = [b for b in readme_blocks("Use in CI", "yaml") if "artifacts" in b]
    job = yaml.safe_load(gl)["gklint"]
    shutil.copytree(REPORTS / "seeds", tmp_path / "reports")
    done = _run_lines(job["script"], tmp_path)
    assert [r.returncode for r in done] == [0, 1]                      # code quality never fails; junit does
    reports = job["artifacts"]["reports"]
    issues = json.loads((tmp_path / reports["codequality"]).read_text(encoding="utf-8"))
    assert any(i["check_name"] == "GK401" for i in issues)
    assert "<testsuite" in (tmp_path / reports["junit"]).read_text(encoding="utf-8")


def test_readme_editor_configurations_name_the_server_command():
    (lua,) = readme_blocks("Use in your editor", "lua")
    assert re.search(r'cmd = \{ "gklint", "server" \}', lua) and "vim.lsp.start" in lua
    (elisp,) = readme_blocks("Use in your editor", "elisp")
    assert '("gklint" "server")' in elisp and "eglot-server-programs" in elisp
    # the command they start is the one tests/test_lsp.py talks to over stdio; it answers --help here
    assert "语言服务器" in gk("server", "--help").stdout


def test_readme_vscode_problem_matcher_reads_the_concise_format(tmp_path):
    (tasks,) = readme_blocks("Use in your editor", "json")
    task = json.loads(tasks)["tasks"][0]
    pattern = task["problemMatcher"]["pattern"]
    rx = re.compile(pattern["regexp"])
    f = tmp_path / "年报.txt"
    shutil.copyfile(next((REPORTS / "seeds").glob("002_*.txt")), f)
    cmd = shlex.split(task["command"].replace("${file}", str(f)))
    out = gk(*cmd[1:]).stdout.splitlines()
    assert out and all(rx.match(line) for line in out)
    m = next(rx.match(line) for line in out if " GK204 " in line)
    assert (m.group(pattern["file"]), m.group(pattern["line"]), m.group(pattern["column"]),
            m.group(pattern["severity"]), m.group(pattern["code"])) == (str(f), "50", "13", "warning", "GK204")
