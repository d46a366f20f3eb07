"""Settings a bureau adjusts without touching code: who publishes the lists and how to reach
them, the objection rules, what the disbursement list says about each funding source, and the
bank batch-transfer files' encoding.

Read from the YAML file named by ``SETTLEMENT_SETTINGS``, else ``./settlement.yaml``, else the
defaults below. A key the settings do not know (a typo such as ``adress``) stops the command
with a message naming the file and the key: a misspelt setting must not vanish in silence.
``settlement.yaml`` in this repository is the demo bureau's file, with every key explained.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class SettingsError(Exception):
    """The settings file cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FundingSource(_Strict):
    """What the disbursement list says about one funding source (资金来源), e.g. 杭州市财政."""

    budget_subject: str = ""  # 预算科目, e.g. 2160299 其他商业流通事务支出
    allocation_document: str = ""  # 资金下达（拨款）文号


DEFAULT_OBJECTION_RULES = (
    "公示期内，任何单位和个人对公示内容有异议的，可以书面形式向我局反映。"
    "单位提出异议的应加盖公章，个人提出异议的应署真实姓名并提供联系方式；"
    "异议应写明企业名称、统一社会信用代码和异议事项，并附相关证明材料。逾期提出的异议不予受理。"
)


class Settings(_Strict):
    bureau: str = "商务局"  # the bureau's full name (发布单位), e.g. 某某市商务局
    department: str = ""  # 承办科室, e.g. 电子商务科
    phone: str = ""  # 联系电话
    address: str = ""  # 通讯地址
    email: str = ""  # 电子邮箱
    objection_rules: str = DEFAULT_OBJECTION_RULES  # 异议受理规则 (printed under the publicity list)
    publicity_working_days: int = Field(5, ge=1, le=60)
    purpose: str = "{year}年度电子商务扶持奖励"  # 用途 on each transfer ({year} is the settlement year)
    signers: list[str] = Field(
        default_factory=lambda: ["制表人", "审核人", "负责人"]
    )  # sign-off lines of the disbursement list
    bank_file_encoding: Literal["utf-8-sig", "gbk"] = (
        "utf-8-sig"  # bank batch-transfer CSV: UTF-8 with BOM, or GBK
    )
    funding_sources: dict[str, FundingSource] = Field(
        default_factory=dict
    )  # 资金来源 name -> its budget subject and document

    @field_validator("bureau")
    @classmethod
    def _named(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("发布单位名称不能为空")
        return v.strip()

    def purpose_for(self, year: int) -> str:
        return self.purpose.replace("{year}", str(year))

    def source(self, name: str) -> FundingSource:
        return self.funding_sources.get(name, FundingSource())

    def contact_line(self) -> str:
        """联系人科室、电话、地址、邮箱, as one line (the parts that are set)."""
        parts = [
            (label, value)
            for label, value in (
                ("承办科室", self.department),
                ("联系电话", self.phone),
                ("通讯地址", self.address),
                ("电子邮箱", self.email),
            )
            if value
        ]
        return "；".join(f"{label}：{value}" for label, value in parts)

    def missing_contact(self) -> list[str]:
        """The publicity list's contact settings that are not set (named on the terminal)."""
        return [
            f"{label}（{key}）"
            for key, label in (
                ("department", "承办科室"),
                ("phone", "联系电话"),
                ("address", "通讯地址"),
                ("email", "电子邮箱"),
            )
            if not getattr(self, key)
        ]


LABELS = {
    "bureau": "发布单位",
    "department": "承办科室",
    "phone": "联系电话",
    "address": "通讯地址",
    "email": "电子邮箱",
    "objection_rules": "异议受理规则",
    "publicity_working_days": "公示工作日数",
    "purpose": "用途",
    "signers": "签字栏",
    "bank_file_encoding": "银行批量文件编码",
    "funding_sources": "资金来源",
    "budget_subject": "预算科目",
    "allocation_document": "拨款文号",
}


def settings_path(path: str | os.PathLike | None = None) -> Path | None:
    candidate = (
        path
        or os.environ.get("SETTLEMENT_SETTINGS")
        or ("settlement.yaml" if Path("settlement.yaml").exists() else None)
    )
    return Path(candidate) if candidate else None


def settings_digest(settings: Settings) -> str:
    """SHA-256 of the settings' values (the same values give the same digest wherever the file is)."""
    return hashlib.sha256(settings.model_dump_json().encode("utf-8")).hexdigest()


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    candidate = settings_path(path)
    if candidate is None:
        return Settings()
    try:
        text = candidate.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"设置文件不存在：{candidate}（SETTLEMENT_SETTINGS 指向的文件应存在）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"设置文件无法读取：{candidate}（{type(exc).__name__}），请保存为 UTF-8 编码的 YAML"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SettingsError(f"设置文件 {candidate} 的 YAML 格式错误：{str(exc).splitlines()[0]}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingsError(f"设置文件 {candidate} 应为“键: 值”的映射（bureau、phone……）")
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            key = ".".join(str(p) for p in e["loc"])
            label = LABELS.get(str(e["loc"][-1]), "") if e["loc"] else ""
            if e["type"] == "extra_forbidden":
                known = "、".join(k for k in Settings.model_fields)
                lines.append(f"  - 不认识的设置项 {key}（可用的设置项：{known}）")
            else:
                lines.append(f"  - {key}{f'（{label}）' if label else ''}：{e['msg']}")
        raise SettingsError(f"设置文件 {candidate} 有误：\n" + "\n".join(lines)) from None
