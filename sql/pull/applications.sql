-- applications.csv（申报/认定事项）
-- 拉取范围：申报/认定事项：该年度。
-- 列名须与着陆约定（landing contract）的英文代码一致；数据源的表或列名不同时，用 AS 改名。
-- WHERE 中的 year 参数是结算年度，由 settlement pull 绑定传入。
-- 可选表：数据源没有此表时，拉取会在终端和 _pull.json 中说明并跳过；不需要时删去本文件。
SELECT application_id,
       uscc,
       year,
       policy_id,
       clause_id,
       base_amount,
       approved_amount,
       quantity,
       months,
       level,
       status
FROM applications
WHERE year = :year
ORDER BY application_id
