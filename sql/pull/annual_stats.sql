-- annual_stats.csv（联网直报年度数据）
-- 拉取范围：统计数据：该年度及以前各年（增速、两年增长、累计封顶等规则要用往年数据）。
-- 列名须与着陆约定（landing contract）的英文代码一致；数据源的表或列名不同时，用 AS 改名。
-- WHERE 中的 year 参数是结算年度，由 settlement pull 绑定传入。
SELECT uscc,
       year,
       online_retail,
       retail_sales,
       wholesale_sales,
       operating_revenue,
       online_sales,
       crossborder_exports,
       independent_site_sales,
       retail_growth,
       online_retail_growth,
       local_contribution,
       limit_above
FROM annual_stats
WHERE year <= :year
ORDER BY uscc, year
