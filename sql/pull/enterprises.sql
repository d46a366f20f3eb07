-- enterprises.csv（企业名录）
-- 拉取范围：企业名录：全部行。
-- 列名须与着陆约定（landing contract）的英文代码一致；数据源的表或列名不同时，用 AS 改名。
SELECT uscc,
       name,
       region_code,
       township,
       registered_on,
       park_id,
       park_entry_on,
       credit_blacklisted,
       bank_name,
       bank_account,
       account_name,
       bank_code
FROM enterprises
ORDER BY uscc
