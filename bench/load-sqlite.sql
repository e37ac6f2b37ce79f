-- Loads the benchmark tenants into an SQLite database that Pim has already migrated (bench/run.sh, sqlite3 CLI).
-- The same tenants and the same shape as bench/load.sql (read its header): tenants 't1'..'t<T>', each with :per role
-- assignments, :groups groups and :users (= per - groups) users. Parameters are set by bench/run.sh with
-- `.parameter set :tenants T` etc. Set-based over all tenants at once, like load.sql.
--
-- Timestamps: on SQLite Pim stores them as text and compares them with @now as text, so the loaded text must be
-- spelled exactly as Pim spells the @now it binds, or "allow" silently turns into "deny" (no error anywhere).
-- What Pim really binds and writes today is Microsoft.Data.Sqlite's spelling of a DateTimeOffset,
-- 'yyyy-MM-dd HH:mm:ss.FFFFFFFzzz', e.g. '2026-11-27 11:49:31.67104+00:00' (a space, not 'T'; trailing zeros of the
-- fraction dropped, and the '.' too when the fraction is zero; '+00:00', not 'Z'), NOT the fixed-width
-- 'yyyy-MM-ddTHH:mm:ss.fffffffZ' that Pim.Infrastructure/Store/UtcTimestampHandler.cs describes: Dapper does not call
-- that handler for DateTimeOffset parameters (look at assignment_usage.first_used_at after one evaluation). Loaded
-- with the handler's spelling, every same-day comparison (the open activations: started an hour ago, ending in seven
-- hours) compares 'T' with ' ' and fails. So every timestamp here is strftime('%Y-%m-%d %H:%M:%S', ...) || '+00:00'
-- (whole seconds: no fraction, as Pim writes a zero fraction). bench/run.sh checks both: the answers (one of them
-- through an open activation) and that the spelling matches the timestamp Pim itself writes after its first allow.
-- The roles must stay in the same order as in bench/load.sql, bench/access.lua and bench/run.sh.
.bail on
PRAGMA foreign_keys = OFF;      -- the data is consistent by construction; Pim itself runs with them on
PRAGMA synchronous = OFF;

BEGIN;

CREATE TEMP TABLE bench_roles (pos integer PRIMARY KEY, role_id text NOT NULL);
INSERT INTO bench_roles (pos, role_id) VALUES
  (1, 'global-administrator'), (2, 'privileged-role-administrator'), (3, 'security-administrator'),
  (4, 'security-reader'), (5, 'global-reader'), (6, 'exchange-administrator'), (7, 'sharepoint-administrator'),
  (8, 'teams-administrator'), (9, 'intune-administrator'), (10, 'user-administrator'), (11, 'helpdesk-administrator'),
  (12, 'billing-administrator'), (13, 'compliance-administrator');

CREATE TEMP TABLE bench_tenants (tenant_id text PRIMARY KEY);
INSERT INTO bench_tenants SELECT 't' || value FROM generate_series(1, :tenants);

INSERT INTO tenants (tenant_id, display_name, consented_at, consented_by, created_at, updated_at)
SELECT t.tenant_id, 'Benchmark tenant ' || t.tenant_id, NULL, NULL,
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-90 days') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-90 days') || '+00:00'
FROM bench_tenants t;

INSERT INTO principals (tenant_id, principal_id, kind, display_name, email, created_at, updated_at)
SELECT t.tenant_id, 'u' || s.value, 'user', 'Bench User ' || s.value, 'u' || s.value || '@bench.example',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-60 days') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-60 days') || '+00:00'
FROM bench_tenants t CROSS JOIN generate_series(1, :per) AS s;

INSERT INTO principals (tenant_id, principal_id, kind, display_name, created_at, updated_at)
SELECT t.tenant_id, 'u' || (s.value * (:per / :groups)) || '-grp', 'group', 'Bench Group ' || s.value,
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-60 days') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-60 days') || '+00:00'
FROM bench_tenants t CROSS JOIN generate_series(1, :groups) AS s;

INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at,
                              justification, created_at, created_by, version)
SELECT t.tenant_id, 'ra-u' || s.value, 'u' || s.value, r.role_id, '/',
       CASE WHEN s.value % 5 = 0 THEN 'eligible' ELSE 'active' END,
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days', '-' || (s.value % 1000) || ' minutes') || '+00:00',
       CASE WHEN s.value % 3 = 0 THEN NULL
            ELSE strftime('%Y-%m-%d %H:%M:%S', 'now', '+180 days', '+' || (s.value % 1000) || ' minutes') || '+00:00' END,
       'benchmark load', strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days') || '+00:00', 'bench-loader', 1
FROM bench_tenants t CROSS JOIN generate_series(1, :users) AS s
JOIN bench_roles r ON r.pos = s.value % 13 + 1;

INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at,
                              justification, created_at, created_by, version)
SELECT t.tenant_id, 'ra-g' || s.value, 'u' || (s.value * (:per / :groups)) || '-grp', r.role_id, '/', 'active',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days') || '+00:00', NULL, 'benchmark load',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days') || '+00:00', 'bench-loader', 1
FROM bench_tenants t CROSS JOIN generate_series(1, :groups) AS s
JOIN bench_roles r ON r.pos = s.value % 13 + 1;

INSERT INTO group_memberships (tenant_id, member_id, group_id)
SELECT t.tenant_id, 'u' || s.value, 'u' || ((s.value % :groups + 1) * (:per / :groups)) || '-grp'
FROM bench_tenants t CROSS JOIN generate_series(4, :per, 4) AS s;

-- The groups are flat: each membership is also the closure's (what evaluation reads of groups, migration 0008).
INSERT INTO group_closure (tenant_id, member_id, group_id, depth)
SELECT tenant_id, member_id, group_id, 1 FROM group_memberships WHERE tenant_id IN (SELECT tenant_id FROM bench_tenants);

-- Open activations: eligible users with i % 10 = 0, active now for 8 hours (1 hour in, 7 to go).
INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status,
                                 duration_seconds, justification, requested_at, starts_at, ends_at,
                                 eligibility_ends_at, decision, decided_by, decided_at, version)
SELECT t.tenant_id, 'act-' || s.value, 'u' || s.value, r.role_id, '/', 'ra-u' || s.value, 'active',
       28800, 'benchmark activation',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-1 hours') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-1 hours') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '+7 hours') || '+00:00',
       CASE WHEN s.value % 3 = 0 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', 'now', '+180 days') || '+00:00' END,
       NULL, NULL, NULL, 1
FROM bench_tenants t CROSS JOIN generate_series(10, :users, 10) AS s
JOIN bench_roles r ON r.pos = s.value % 13 + 1;

-- History: one expired activation for every eligible user.
INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status,
                                 duration_seconds, justification, requested_at, starts_at, ends_at,
                                 eligibility_ends_at, closed_at, version)
SELECT t.tenant_id, 'exp-' || s.value, 'u' || s.value, r.role_id, '/', 'ra-u' || s.value, 'expired',
       28800, 'benchmark history',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-10 days') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-10 days') || '+00:00',
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-10 days', '+8 hours') || '+00:00',
       NULL,
       strftime('%Y-%m-%d %H:%M:%S', 'now', '-10 days', '+8 hours') || '+00:00', 1
FROM bench_tenants t CROSS JOIN generate_series(5, :users, 5) AS s
JOIN bench_roles r ON r.pos = s.value % 13 + 1;

COMMIT;

-- The query planner's statistics, as VACUUM ANALYZE does for PostgreSQL; then fold the WAL into the database file.
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
