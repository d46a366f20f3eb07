"""The words of validation: what each check requires, why a row is quarantined, what a warning
means (Chinese, for the audit workbook and the terminal)."""

from __future__ import annotations

MESSAGES = {
    "unknown_enterprise": "企业不在企业名录（enterprises）中",
    "quarantined_enterprise": "所引用的企业在企业名录中已被隔离",
    "unknown_park": "园区编号不在园区表（parks）中",
    "quarantined_park": "所引用的园区已被隔离",
    "unknown_operator": "园区运营主体不在企业名录中",
    "unknown_clause": "条款编号不是该政策的条款",
}


WHY = {
    "unknown_clause": "申报必须指向政策中真实存在的条款",
    "unknown_operator": "园区奖励付给运营主体，运营主体必须在企业名录中",
    "quarantined_enterprise": "所引用的企业已被隔离，引用它的行也不能兑现",
    "unknown_park": "园区奖励按入驻企业归集，园区必须存在",
    "quarantined_park": "所属园区已被隔离",
    "unknown_enterprise": "数据和申报必须属于企业名录中的企业",
    "growth_mismatch": (
        "平台可比口径增速与按两年数据计算的增速差距过大，可能是口径或数据错误（仍按报送值计算）"
    ),
    "jump": "一年增长十倍以上多为单位错误（元/万元）或录入错误",
    "budget_not_applicable": "只有文本规定按比例下调的政策才使用预算",
    "application_for_data_clause": "按统计数据直接计算的条款不需要申报",
    "extra_column": "约定以外的列不参与计算；写错的列名会让一列数据被悄悄忽略",
    "drop": "一年降到十分之一以下多为单位错误（按万元填报）或录入错误，会使奖励变为0",
    "budget_zero": "预算为0时按比例下调后本政策当年一分不兑现",
    "other_year": "本年度的文件只应有本年度的申报和预算；别的年度的行属于那一年的结算",
    "duplicate_application": "内容完全相同的两份申报会被各兑现一次",
}


WARNING_MESSAGES = {
    "growth_mismatch": "报送的同比增速与按上年数据计算的增速相差超过0.5个百分点",
    "jump": "比上年增长超过10倍，请核实",
    "budget_not_applicable": "该政策文本没有按预算比例下调的规定，预算行不予采用",
    "application_for_data_clause": "该条款按统计数据直接计算，无需申报，申报行不予采用",
    "extra_column": "不是数据约定的列：原样保存在台账中，不参与计算（如本应是约定的列，请改用约定的列名）",
    "drop": "比上年下降到十分之一以下，请核实（常见原因：按万元填报）",
    "budget_zero": "预算为0：按比例下调后本政策当年不兑现任何奖励，请核实",
    "other_year": "年度不是结算年度：本次结算不采用该行（请放到该年度的着陆目录）",
    "duplicate_application": (
        "与另一申报编号的内容完全相同（企业、年度、政策、条款、金额、数量、级别），可能重复申报，"
        "请核实；两份都会计算"
    ),
}


RULES = {
    # reason -> (the check's Chinese name, what it requires), for the audit workbook
    "unknown_enterprise": ("企业在企业名录中", "所属企业在企业名录（enterprises）中"),
    "quarantined_enterprise": ("所引用的企业未被隔离", "所引用的企业在企业名录中没有被隔离"),
    "unknown_park": ("园区在园区表中", "所属园区在园区表（parks）中"),
    "quarantined_park": ("所引用的园区未被隔离", "所属园区在园区表中没有被隔离"),
    "unknown_operator": ("运营主体在企业名录中", "园区运营主体在企业名录（enterprises）中"),
    "unknown_clause": ("条款在政策中", "条款编号是所填政策的条款"),
    "growth_mismatch": (
        "报送增速与两年数据相符",
        "报送的同比增速与按上年数据计算的增速相差不超过0.5个百分点",
    ),
    "jump": ("与上年相比无十倍跳变", "比上年增长不超过10倍"),
    "budget_not_applicable": ("预算行属于按预算下调的政策", "预算行所属政策的文本规定了按比例下调"),
    "application_for_data_clause": ("申报行属于需申报的条款", "按统计数据直接计算的条款不需申报"),
    "extra_column": ("列名都是约定的列", "文件中的列都是数据约定的列（额外的列原样保存、不参与计算）"),
    "drop": ("与上年相比无十倍下降", "比上年下降不到十分之一"),
    "budget_zero": ("预算不为0", "预算金额大于0"),
    "other_year": ("行属于结算年度", "申报和预算的年度是结算年度"),
    "duplicate_application": ("申报内容不重复", "没有两份内容完全相同的申报"),
}
