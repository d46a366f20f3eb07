-- Ledger schema (PostgreSQL). Generated from settlement/ledger/models.py; do not edit.
-- Money: BIGINT fen. Ratios: BIGINT nano-units (x 10^9). Quantities: BIGINT micro-units (x 10^6).

CREATE TABLE annual_stats (
	uscc VARCHAR(18) NOT NULL, 
	year INTEGER NOT NULL, 
	online_retail BIGINT, 
	retail_sales BIGINT, 
	wholesale_sales BIGINT, 
	operating_revenue BIGINT, 
	online_sales BIGINT, 
	crossborder_exports BIGINT, 
	independent_site_sales BIGINT, 
	retail_growth BIGINT, 
	online_retail_growth BIGINT, 
	local_contribution BIGINT, 
	limit_above BOOLEAN NOT NULL, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (uscc, year)
);

CREATE TABLE applications (
	application_id VARCHAR(64) NOT NULL, 
	uscc VARCHAR(18) NOT NULL, 
	year INTEGER NOT NULL, 
	policy_id VARCHAR(64) NOT NULL, 
	clause_id VARCHAR(16) NOT NULL, 
	base_amount BIGINT, 
	approved_amount BIGINT, 
	quantity BIGINT, 
	months INTEGER, 
	level VARCHAR(32), 
	status VARCHAR(16) NOT NULL, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (application_id)
);
CREATE INDEX ix_applications_uscc ON applications (uscc);
CREATE INDEX ix_applications_year ON applications (year);

CREATE TABLE budgets (
	policy_id VARCHAR(64) NOT NULL, 
	year INTEGER NOT NULL, 
	budget BIGINT NOT NULL, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (policy_id, year)
);

CREATE TABLE downloads (
	id SERIAL NOT NULL, 
	year INTEGER NOT NULL, 
	file VARCHAR(200) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	"user" VARCHAR(200) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_downloads_year ON downloads (year);

CREATE TABLE enterprises (
	uscc VARCHAR(18) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	region_code VARCHAR(6) NOT NULL, 
	township VARCHAR(100) NOT NULL, 
	registered_on DATE, 
	park_id VARCHAR(50) NOT NULL, 
	park_entry_on DATE, 
	credit_blacklisted BOOLEAN NOT NULL, 
	bank_name VARCHAR(200) NOT NULL, 
	bank_account VARCHAR(64) NOT NULL, 
	account_name VARCHAR(200) NOT NULL, 
	bank_code VARCHAR(32) NOT NULL, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (uscc)
);
CREATE INDEX ix_enterprises_region_code ON enterprises (region_code);

CREATE TABLE fx_rates (
	year SERIAL NOT NULL, 
	usd_cny BIGINT NOT NULL, 
	source VARCHAR(200) NOT NULL, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (year)
);

CREATE TABLE ledger_events (
	id SERIAL NOT NULL, 
	year INTEGER NOT NULL, 
	what VARCHAR(40) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE parks (
	park_id VARCHAR(50) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	operator_uscc VARCHAR(18) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	building_area_m2 BIGINT, 
	occupancy_rate BIGINT, 
	online_shops INTEGER, 
	established_on DATE, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (park_id)
);

CREATE TABLE prior_awards (
	landing_year INTEGER DEFAULT '0' NOT NULL, 
	uscc VARCHAR(18) NOT NULL, 
	year INTEGER NOT NULL, 
	policy_id VARCHAR(64) NOT NULL, 
	clause_id VARCHAR(16) NOT NULL, 
	subject_uscc VARCHAR(18) NOT NULL, 
	amount BIGINT NOT NULL, 
	source_file VARCHAR(200) NOT NULL, 
	source_row INTEGER NOT NULL, 
	extra TEXT NOT NULL, 
	PRIMARY KEY (landing_year, uscc, year, policy_id, clause_id, subject_uscc)
);

CREATE TABLE quarantine (
	id SERIAL NOT NULL, 
	year INTEGER NOT NULL, 
	file VARCHAR(200) NOT NULL, 
	row INTEGER NOT NULL, 
	"column" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	reason VARCHAR(64) NOT NULL, 
	message TEXT NOT NULL, 
	file_sha256 VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_quarantine_year ON quarantine (year);

CREATE TABLE settlement_runs (
	id SERIAL NOT NULL, 
	run_uid VARCHAR(80) NOT NULL, 
	year INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	input_sha256 TEXT NOT NULL, 
	policy_sha256 TEXT NOT NULL, 
	code_version VARCHAR(40) NOT NULL, 
	started_at TIMESTAMP WITH TIME ZONE, 
	finished_at TIMESTAMP WITH TIME ZONE, 
	timings TEXT NOT NULL, 
	load_changes TEXT NOT NULL, 
	totals TEXT NOT NULL, 
	quarantined INTEGER NOT NULL, 
	publicity_start DATE, 
	publicity_deadline DATE, 
	finalized_at TIMESTAMP WITH TIME ZONE, 
	supersedes_run_id INTEGER, 
	message TEXT NOT NULL, 
	objections TEXT NOT NULL, 
	scale_factors TEXT NOT NULL, 
	validation TEXT NOT NULL, 
	ledger_state INTEGER, 
	settings_sha256 VARCHAR(64), 
	manifest_sha256 VARCHAR(64), 
	PRIMARY KEY (id), 
	UNIQUE (run_uid), 
	FOREIGN KEY(supersedes_run_id) REFERENCES settlement_runs (id)
);
CREATE INDEX ix_settlement_runs_year ON settlement_runs (year);
CREATE UNIQUE INDEX uq_one_final_run_per_year ON settlement_runs (year) WHERE status = 'final';

CREATE TABLE award_lines (
	id SERIAL NOT NULL, 
	run_id INTEGER NOT NULL, 
	line_no INTEGER NOT NULL, 
	uscc VARCHAR(18) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	payee_uscc VARCHAR(18) NOT NULL, 
	subject_uscc VARCHAR(18) NOT NULL, 
	park_id VARCHAR(50) NOT NULL, 
	policy_id VARCHAR(64) NOT NULL, 
	clause_id VARCHAR(16) NOT NULL, 
	matter VARCHAR(64) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	standard_amount BIGINT NOT NULL, 
	capped_amount BIGINT NOT NULL, 
	scale_factor VARCHAR(40) NOT NULL, 
	final_amount BIGINT NOT NULL, 
	city_share BIGINT NOT NULL, 
	district_share BIGINT NOT NULL, 
	application_ids TEXT NOT NULL, 
	previously_paid BIGINT NOT NULL, 
	superseded_by VARCHAR(160) NOT NULL, 
	remark TEXT NOT NULL, 
	explanation TEXT NOT NULL, 
	trace TEXT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_award_line UNIQUE (run_id, payee_uscc, policy_id, clause_id, subject_uscc, park_id), 
	CONSTRAINT uq_award_line_no UNIQUE (run_id, line_no), 
	FOREIGN KEY(run_id) REFERENCES settlement_runs (id) ON DELETE CASCADE
);
CREATE INDEX ix_award_lines_payee_uscc ON award_lines (payee_uscc);
CREATE INDEX ix_award_lines_run_id ON award_lines (run_id);
