"""Loading policy files: YAML (safe loader only) -> :class:`~.schema.Policy`, with messages that
name the file, the clause and the field when a file is wrong."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import KINDS, Clause, Policy

POLICY_DIR = Path(__file__).parent
# The catalog's order: it breaks no-double-benefit ties (settlement-semantics, detail 10).
CATALOG_ORDER = (
    "binjiang-2024-14",
    "jinyun-2025",
    "hangzhou-crossborder-2023-9",
    "cixi-2024-8",
    "lishui-2024-64",
)


class PolicyLoadError(Exception):
    pass


@dataclass
class Catalog:
    policies: list[Policy]
    sha256: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.policies}
        self.matter_labels: dict[str, str] = {}  # matter code -> its Chinese name, from the clauses
        for p in self.policies:
            for c in p.clauses:
                if c.matter is None:
                    continue
                known = self.matter_labels.setdefault(c.matter, c.matter_label)
                if known != c.matter_label:
                    raise PolicyLoadError(
                        f"事项 {c.matter} 的名称不一致：{p.id} 第{c.id}条写作“{c.matter_label}”，"
                        f"其他条款写作“{known}”。同一事项（就高不重复按它比较）只能有一个名称"
                    )

    def matter_label(self, code: str) -> str:
        """The Chinese name of a matter (事项), as its clauses' ``matter_label`` give it."""
        return self.matter_labels.get(code, code)

    def policy(self, policy_id: str) -> Policy:
        return self.by_id[policy_id]

    def clause(self, policy_id: str, clause_id: str) -> Clause:
        return self.by_id[policy_id].clause(clause_id)

    def order(self, policy_id: str) -> int:
        return [p.id for p in self.policies].index(policy_id)

    def clause_ids(self) -> set[tuple[str, str]]:
        return {(p.id, c.id) for p in self.policies for c in p.clauses}

    def in_force(self, year: int) -> list[Policy]:
        return [p for p in self.policies if p.in_force(year)]


def _message(err: dict) -> str:
    if err["type"] == "union_tag_invalid":
        return f"kind {err['input'].get('kind')!r} 不是已知的条款类型（可用：{'、'.join(KINDS)}）"
    if err["type"] == "extra_forbidden" and len(err["loc"]) >= 5 and err["loc"][4] in KINDS:
        return f"kind {err['loc'][4]} 的条款没有这个字段（多写了，或写错了字段名/类型）"
    return err["msg"]


def _where(raw: dict, loc: tuple) -> str:
    """'条款 4.1 的 tiers.0.amount' from a pydantic error location (the kind tag left out)."""
    parts = list(loc)
    if len(parts) >= 5 and parts[0] == "articles" and parts[2] == "clauses" and parts[4] in KINDS:
        del parts[4]
    if len(parts) >= 4 and parts[0] == "articles" and parts[2] == "clauses":
        try:
            clause = raw["articles"][parts[1]]["clauses"][parts[3]]
            cid = clause.get("id", f"第{parts[3] + 1}条") if isinstance(clause, dict) else parts[3]
        except (KeyError, IndexError, TypeError):
            cid = parts[3]
        rest = ".".join(str(p) for p in parts[4:]) or "(条款本身)"
        return f"条款 {cid} 的字段 {rest}"
    return "字段 " + (".".join(str(p) for p in parts) or "(文件本身)")


def _safe_yaml(data: bytes):
    """yaml.safe_load with libyaml's C parser when PyYAML has it (same safe constructor: plain
    data only, never an object)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(data)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


_PARSED: dict[
    tuple[str, str], Policy
] = {}  # (file, SHA-256) -> the checked policy: each file is parsed once per process


def load_policy_file(path: Path) -> tuple[Policy, str]:
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = (str(Path(path).resolve()), digest)
    if key in _PARSED:
        return _PARSED[key], digest
    try:
        raw = _safe_yaml(data)
    except yaml.YAMLError as exc:
        raise PolicyLoadError(f"{Path(path).name}：YAML格式错误：{exc}") from exc
    if not isinstance(raw, dict):
        raise PolicyLoadError(f"{Path(path).name}：内容应为一个映射（id、title、articles……）")
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{Path(path).name}：政策文件有误"]
        for err in exc.errors():
            lines.append(f"  - {_where(raw, tuple(err['loc']))}：{_message(err)}")
        raise PolicyLoadError("\n".join(lines)) from None
    if policy.id != Path(path).stem:
        raise PolicyLoadError(f"{Path(path).name}：文件名应与政策编号 id（{policy.id}）一致")
    _PARSED[key] = policy
    return policy, digest


def load_catalog(folder: Path | None = None) -> Catalog:
    folder = Path(folder) if folder else POLICY_DIR
    files = {p.stem: p for p in sorted(folder.glob("*.yaml"))}
    ordered = [files[i] for i in CATALOG_ORDER if i in files] + [
        p for s, p in files.items() if s not in CATALOG_ORDER
    ]
    policies, hashes = [], {}
    for path in ordered:
        policy, digest = load_policy_file(path)
        policies.append(policy)
        hashes[path.name] = digest
    return Catalog(policies, hashes)
