"""`gklint new-pack NAME --prefix XX`: a ready-to-edit, pip-installable rule pack that passes `gklint test-pack`."""
from __future__ import annotations

import re
from pathlib import Path

NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PREFIX_RE = re.compile(r"^[A-Z]{2,4}$")

PYPROJECT = '''[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "gklint-pack-{name}"
version = "0.1.0"
description = "gklint 规则包 {name}（前缀 {prefix}）"
requires-python = ">=3.11"
dependencies = ["gklint>={version}"]

[project.entry-points.gklint]
{name} = "{module}"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
'''

INIT = '''"""gklint 规则包 {name}：YAML 规则（前缀 {prefix}），安装后经 ``gklint`` 入口点被 gklint 找到。"""
from __future__ import annotations

from pathlib import Path

from gklint.plugins import hookimpl


@hookimpl
def gklint_rule_dirs():
    return [Path(__file__).parent / "rules"]
'''

PACK = '''name: {name}
prefix: {prefix}
version: "0.1.0"
description: 在这里写明规则包依据的文件（如 X政办发〔2025〕N号）和适用范围
requires-gklint: ">={version}"
extends: [national]
# 适用的报告年度和模板版本（删去则适用于所有年度）
templates:
  since: 2021
  versions: ["2021"]
# 安装后，只对标题中的机关名称含下列词之一的报告启用（删去则对所有报告启用）
# applies-to:
#   agency: [某市, 某县]
# 只在启用本规则包的报告上生效：关闭、调整全国规则
# overrides:
#   disable: [GK605]
#   severity: {{GK405: warning}}
#   options: {{GK204: {{accepted: [社会组织]}}}}
'''

RULE = '''code: {prefix}101
name: work-points-reported
summary: 第六部分应报告上级政务公开工作要点的落实情况
severity: warning
kind: pattern
scope: section
options:
  pattern: 工作要点落实情况
  mode: required
  section: 6
message: '{{where}}没有报告政务公开工作要点的落实情况'
rationale: 在这里写明要求的依据（文件名称、文号、条款）和为什么要检查它。
references:
- 在这里写明依据的文件
examples:
  good: (一) 政务公开工作要点落实情况
  bad: (一) 其他工作情况
tags: [{name}]
'''

CASES = '''rule: {prefix}101
cases:
  - name: pass_base
    file: base.txt
    expect: []
  - name: fail_no_work_points
    file: base.txt
    edits:
      - {{replace: "政务公开工作要点落实情况", with: "其他工作情况"}}
    expect:
      - {{code: {prefix}101, line: 96}}
'''

TEST = '''"""The pack's data cases and documented examples, run with gklint's harness (as `gklint test-pack` does)."""
from pathlib import Path

from gklint.cli_packs import run_pack_tests


def test_pack():
    lines, passed, failed = run_pack_tests(Path(__file__).parent.parent)
    assert passed and not failed, "\\n".join(lines)
'''

README = '''# gklint-pack-{name}

gklint 规则包（前缀 {prefix}）。

```sh
gklint test-pack .          # 运行 tests/cases 中的用例和每条规则的文档示例
pip install .               # 安装后 gklint check 自动加载（gklint packs 可查看）
python -m build             # 生成 wheel，发布到软件包索引
```

规则写法见 gklint 的 rules/README.md（规则包编写指南）。
'''


def create(name: str, prefix: str, parent: Path) -> Path:
    """Write the skeleton under ``parent/gklint-pack-NAME``; ValueError for a bad name/prefix or an existing folder."""
    from . import __version__
    from .resources import rules_dir

    if not NAME_RE.match(name):
        raise ValueError(f"规则包名称 {name!r} 应为小写字母、数字和短横线（如 wuwei、gansu-lanzhou）")
    if not PREFIX_RE.match(prefix) or prefix == "GK":
        raise ValueError(f"前缀 {prefix!r} 应为 2 到 4 个大写字母，且不能是全国规则的 GK")
    root = parent / f"gklint-pack-{name}"
    if root.exists():
        raise ValueError(f"{root} 已存在")
    module = "gklint_pack_" + name.replace("-", "_")
    base_version = ".".join(__version__.split(".")[:2])
    fields = {"name": name, "prefix": prefix, "module": module, "version": base_version}
    rules = root / "src" / module / "rules"
    (rules / "examples").mkdir(parents=True)
    (root / "tests" / "cases").mkdir(parents=True)
    files = {
        root / "pyproject.toml": PYPROJECT,
        root / "README.md": README,
        root / "src" / module / "__init__.py": INIT,
        rules / "pack.yaml": PACK,
        rules / f"{prefix}101.yaml": RULE,
        root / "tests" / "cases" / f"{prefix}101.yaml": CASES,
        root / "tests" / f"test_{module}.py": TEST,
    }
    for path, text in files.items():
        path.write_text(text.format(**fields), encoding="utf-8")
    base = (rules_dir() / "national" / "examples" / "base.txt").read_text(encoding="utf-8")
    (rules / "examples" / "base.txt").write_text(base, encoding="utf-8")
    return root
