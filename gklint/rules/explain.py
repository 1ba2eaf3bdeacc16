"""A rule's documentation as text: what ``gklint explain CODE`` prints, the editor's hover and the review
report show (what it checks, why, its kind and options, its messages, a bad and a good example, references)."""
from __future__ import annotations


def explain_text(r) -> str:
    lines = [f"{r.code} {r.name}  [{r.severity.value}]", "", r.summary, "",
             "## 为什么", r.rationale.strip(), "", "## 检查类型", f"{r.kind}（范围：{r.scope}；适用模板：{', '.join(r.templates)}）"]
    opts = {k: v for k, v in r.options.items() if v is not None}
    if opts:
        lines += ["", "## 选项"] + [f"- {k}: {v}" for k, v in opts.items()]
    lines += ["", "## 提示信息", r.message] + [f"{k}: {v}" for k, v in r.messages.items()]
    lines += ["", "## 错误示例", _indent(r.examples["bad"]), "", "## 正确示例", _indent(r.examples["good"])]
    if r.references:
        lines += ["", "## 依据"] + [f"- {x}" for x in r.references]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + l.replace("\t", " │ ") for l in (text.strip("\n") or "（删除）").split("\n"))
