-- Loads the benchmark tenants into a PostgreSQL database that Pim has already migrated (bench/run.sh).
-- psql variables (set by bench/run.sh): tenants (T), per (role assignments per tenant), groups (group principals per
-- tenant), users (= per - groups). The tenants are 't1'..'t<T>', each loaded with the same shape, so the store holds
-- T * per assignments in all. Every statement is set-based over all tenants at once (a cross join of the tenants with
-- the per-tenant series): no per-tenant loop, so 1,000 tenants load as fast as one tenant of the same total size.
--
-- Shape of each tenant, for user number i (principal 'u<i>', 1 <= i <= per; principal ids are per tenant):
--   * users 1..:users hold exactly one role assignment at scope '/', role = roles[i % 13 + 1]:
--       i % 5 <> 0 -> type 'active'   (evaluated "allow" through the assignment branch)
--       i % 5 =  0 -> type 'eligible' (i % 10 = 0 also has an 'active' activation request: "allow" through the
--                                      activation branch; i % 10 = 5 has none: "deny", never asked by the load)
--       ends_at NULL for i % 3 = 0, else about 180 days ahead; starts_at about 30 days back.
--   * :groups group principals 'u<j * per / groups>-grp', each with one active assignment (these make up the rest of
--     the per rows). Their ids are spread through the users' key range, as GUIDs would be: ids that all sort before or
--     after the users' would flatter or penalise a merge join on the group branch.
--   * every fourth user is a member of one group (the group branch of the query has rows to join).
--   * every eligible user has one 'expired' activation request in its history.
-- The roles array must stay in the same order as in bench/access.lua, bench/load-sqlite.sql and bench/run.sh.
\set ON_ERROR_STOP on
\timing off
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';

BEGIN;

CREATE TEMP TABLE bench_roles (pos int PRIMARY KEY, role_id text NOT NULL) ON COMMIT DROP;
INSERT INTO bench_roles (pos, role_id) VALUES
  (1, 'global-administrator'), (2, 'privileged-role-administrator'), (3, 'security-administrator'),
  (4, 'security-reader'), (5, 'global-reader'), (6, 'exchange-administrator'), (7, 'sharepoint-administrator'),
  (8, 'teams-administrator'), (9, 'intune-administrator'), (10, 'user-administrator'), (11, 'helpdesk-administrator'),
  (12, 'billing-administrator'), (13, 'compliance-administrator');

-- The tenant ids, once: every statement below joins to it.
CREATE TEMP TABLE bench_tenants (tenant_id text PRIMARY KEY) ON COMMIT DROP;
INSERT INTO bench_tenants SELECT 't' || k FROM generate_series(1, :tenants) AS k;

INSERT INTO tenants (tenant_id, display_name, consented_at, consented_by, created_at, updated_at)
SELECT t.tenant_id, 'Benchmark tenant ' || t.tenant_id, NULL, NULL, now() - interval '90 days', now() - interval '90 days'
FROM bench_tenants t;

INSERT INTO principals (tenant_id, principal_id, kind, display_name, email, created_at, updated_at)
SELECT t.tenant_id, 'u' || i, 'user', 'Bench User ' || i, 'u' || i || '@bench.example',
       now() - interval '60 days', now() - interval '60 days'
FROM bench_tenants t CROSS JOIN generate_series(1, :per) AS i;

INSERT INTO principals (tenant_id, principal_id, kind, display_name, created_at, updated_at)
SELECT t.tenant_id, 'u' || (j * (:per / :groups)) || '-grp', 'group', 'Bench Group ' || j,
       now() - interval '60 days', now() - interval '60 days'
FROM bench_tenants t CROSS JOIN generate_series(1, :groups) AS j;

INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at,
                              justification, created_at, created_by, version)
SELECT t.tenant_id, 'ra-u' || i, 'u' || i, r.role_id, '/',
       CASE WHEN i % 5 = 0 THEN 'eligible' ELSE 'active' END,
       now() - interval '30 days' - (i % 1000) * interval '1 minute',
       CASE WHEN i % 3 = 0 THEN NULL ELSE now() + interval '180 days' + (i % 1000) * interval '1 minute' END,
       'benchmark load', now() - interval '30 days', 'bench-loader', 1
FROM bench_tenants t CROSS JOIN generate_series(1, :users) AS i
JOIN bench_roles r ON r.pos = i % 13 + 1;

INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at,
                              justification, created_at, created_by, version)
SELECT t.tenant_id, 'ra-g' || j, 'u' || (j * (:per / :groups)) || '-grp', r.role_id, '/', 'active',
       now() - interval '30 days', NULL, 'benchmark load', now() - interval '30 days', 'bench-loader', 1
FROM bench_tenants t CROSS JOIN generate_series(1, :groups) AS j
JOIN bench_roles r ON r.pos = j % 13 + 1;

INSERT INTO group_memberships (tenant_id, member_id, group_id)
SELECT t.tenant_id, 'u' || i, 'u' || ((i % :groups + 1) * (:per / :groups)) || '-grp'
FROM bench_tenants t CROSS JOIN generate_series(4, :per, 4) AS i;

-- The groups are flat: each membership is also the closure's (what evaluation reads of groups, migration 0008).
INSERT INTO group_closure (tenant_id, member_id, group_id, depth)
SELECT tenant_id, member_id, group_id, 1 FROM group_memberships WHERE tenant_id IN (SELECT tenant_id FROM bench_tenants);

-- Open activations: eligible users with i % 10 = 0, active now for 8 hours (1 hour in, 7 to go).
INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status,
                                 duration_seconds, justification, requested_at, starts_at, ends_at,
                                 eligibility_ends_at, decision, decided_by, decided_at, version)
SELECT t.tenant_id, 'act-' || i, 'u' || i, r.role_id, '/', 'ra-u' || i, 'active',
       28800, 'benchmark activation', now() - interval '1 hour', now() - interval '1 hour', now() + interval '7 hours',
       CASE WHEN i % 3 = 0 THEN NULL ELSE now() + interval '180 days' END, NULL, NULL, NULL, 1
FROM bench_tenants t CROSS JOIN generate_series(10, :users, 10) AS i
JOIN bench_roles r ON r.pos = i % 13 + 1;

-- History: one expired activation for every eligible user.
INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status,
                                 duration_seconds, justification, requested_at, starts_at, ends_at,
                                 eligibility_ends_at, closed_at, version)
SELECT t.tenant_id, 'exp-' || i, 'u' || i, r.role_id, '/', 'ra-u' || i, 'expired',
       28800, 'benchmark history', now() - interval '10 days', now() - interval '10 days',
       now() - interval '10 days' + interval '8 hours', NULL, now() - interval '10 days' + interval '8 hours', 1
FROM bench_tenants t CROSS JOIN generate_series(5, :users, 5) AS i
JOIN bench_roles r ON r.pos = i % 13 + 1;

COMMIT;
