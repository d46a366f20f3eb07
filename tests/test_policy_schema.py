"""Policy files are checked at load time; a wrong file stops loading with a message that names
the file, the clause and the field."""

import shutil
from pathlib import Path

import pytest
import yaml

from settlement.policies import PolicyLoadError, load_catalog
from settlement.policies.loader import POLICY_DIR


def _broken(tmp_path: Path, edit) -> Path:
    src = POLICY_DIR / "cixi-2024-8.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    edit(data)
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "cixi-2024-8.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


def _clause(data, cid):
    return next(c for a in data["articles"] for c in a["clauses"] if c["id"] == cid)


def test_the_shipped_policies_load():
    catalog = load_catalog()
    assert "cixi-2024-8" in catalog.by_id
    assert (
        catalog.sha256["cixi-2024-8.yaml"]
        == __import__("hashlib").sha256((POLICY_DIR / "cixi-2024-8.yaml").read_bytes()).hexdigest()
    )


def test_typo_in_kind(tmp_path):
    folder = _broken(tmp_path, lambda d: _clause(d, "2.1").update(kind="fxied"))
    with pytest.raises(PolicyLoadError) as info:
        load_catalog(folder)
    text = str(info.value)
    assert "cixi-2024-8.yaml" in text and "条款 2.1" in text and "kind" in text


def test_missing_threshold(tmp_path):
    folder = _broken(tmp_path, lambda d: _clause(d, "4.1")["tiers"][1].pop("at_least"))
    with pytest.raises(PolicyLoadError) as info:
        load_catalog(folder)
    assert "条款 4.1" in str(info.value) and "tiers" in str(info.value)


def test_unknown_fact_name(tmp_path):
    folder = _broken(
        tmp_path, lambda d: _clause(d, "9.1")["conditions"].update(fact="application.base_amout")
    )
    with pytest.raises(PolicyLoadError) as info:
        load_catalog(folder)
    assert "条款 9.1" in str(info.value) and "application.base_amout" in str(info.value)


def test_duplicate_clause_id(tmp_path):
    folder = _broken(tmp_path, lambda d: _clause(d, "2.2").update(id="2.1"))
    with pytest.raises(PolicyLoadError, match="条款编号重复：2.1"):
        load_catalog(folder)


def test_float_amounts_are_refused(tmp_path):
    folder = _broken(tmp_path, lambda d: _clause(d, "2.1").update(amount=10000.0))
    with pytest.raises(PolicyLoadError, match="浮点数"):
        load_catalog(folder)


def test_yaml_is_loaded_safely(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    shutil.copy(POLICY_DIR / "cixi-2024-8.yaml", folder / "cixi-2024-8.yaml")
    with open(folder / "cixi-2024-8.yaml", "a", encoding="utf-8") as fh:
        fh.write("\nexploit: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(PolicyLoadError, match="YAML"):
        load_catalog(folder)


def test_every_matter_has_one_chinese_name_in_the_yaml(tmp_path):
    catalog = load_catalog()
    assert catalog.matter_label("rent") == "房租补助"
    assert all(c.matter_label for p in catalog.policies for c in p.clauses if c.matter)
    folder = _broken(tmp_path, lambda d: _clause(d, "2.1").pop("matter_label"))
    with pytest.raises(PolicyLoadError, match="条款 2.1.*matter_label"):
        load_catalog(folder)


def test_one_matter_with_two_names_is_refused(tmp_path):
    folder = _broken(
        tmp_path, lambda d: _clause(d, "2.2").update(matter="tmall_store", matter_label="新注册天猫旗舰店")
    )
    with pytest.raises(PolicyLoadError, match="事项 tmall_store 的名称不一致"):
        load_catalog(folder)


def test_a_field_of_another_kind_is_refused(tmp_path):
    folder = _broken(tmp_path, lambda d: _clause(d, "2.1").update(rate="85%"))
    with pytest.raises(PolicyLoadError) as info:
        load_catalog(folder)
    assert "条款 2.1" in str(info.value) and "rate" in str(info.value)
