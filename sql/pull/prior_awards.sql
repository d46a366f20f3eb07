-- prior_awards.csv（往年已兑现）
-- 拉取范围：往年已兑现：全部行。
-- 列名须与着陆约定（landing contract）的英文代码一致；数据源的表或列名不同时，用 AS 改名。
-- 可选表：数据源没有此表时，拉取会在终端和 _pull.json 中说明并跳过；不需要时删去本文件。
SELECT uscc,
       year,
       policy_id,
       clause_id,
       amount,
       subject_uscc
FROM prior_awards
ORDER BY uscc, year, policy_id, clause_id, subject_uscc
