-- Loads one tenant for the alert benchmark (bench/alerts.sh) into a PostgreSQL database that Pim has already migrated.
-- psql variable (set by bench/alerts.sh): assignments (A, 100,000 by default). Every statement is set-based.
--
-- Tenant 'g1', consented 120 days ago, directory roles signed up 119 days ago, resources signed up at management group
-- 'mg1', with 500 subscriptions under it. For user number i (principal 'u<i>', A / 2 users):
--   * two directory-role assignments at '/', roles[i % 13] and roles[(i + 5) % 13]: i % 5 < 3 eligible, else active;
--     created 60 days ago (every tenth 10 days ago); one in twenty active ones synced by the directory after sign-up;
--   * every third eligible one has an activation that began within the last 30 days; users 1..50 activated 12 times
--     in the last day (too frequently); every second active one was used (assignment_usage) within the last 10 days;
--   * seen (principal_sightings) within the last 120 days for two users in three, never for the others.
-- Besides: 5 permanent active Owners per subscription (the rest of the A assignments: too many owners everywhere), and
-- two privileged roles whose settings do not require MFA.
\set ON_ERROR_STOP on
\timing off
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';

BEGIN;

CREATE TEMP TABLE bench_roles (pos int PRIMARY KEY, role_id text NOT NULL) ON COMMIT DROP;
INSERT INTO bench_roles (pos, role_id) VALUES
  (0, 'global-administrator'), (1, 'privileged-role-administrator'), (2, 'security-administrator'),
  (3, 'security-reader'), (4, 'global-reader'), (5, 'exchange-administrator'), (6, 'sharepoint-administrator'),
  (7, 'teams-administrator'), (8, 'intune-administrator'), (9, 'user-administrator'), (10, 'helpdesk-administrator'),
  (11, 'billing-administrator'), (12, 'compliance-administrator');

INSERT INTO tenants (tenant_id, display_name, consented_at, consented_by, created_at, updated_at)
VALUES ('g1', 'Alert benchmark', now() - interval '120 days', 'u1', now() - interval '130 days', now() - interval '130 days');
INSERT INTO sign_ups (tenant_id, area, scope, signed_up_at, signed_up_by) VALUES
  ('g1', 'directoryRoles', '/', now() - interval '119 days', 'u1'),
  ('g1', 'resources', '/managementGroups/mg1', now() - interval '119 days', 'u1');

INSERT INTO scope_nodes (tenant_id, scope, kind, node_id, display_name, parent_scope)
VALUES ('g1', '/managementGroups/mg1', 'managementGroup', 'mg1', 'MG 1', '/');
INSERT INTO scope_nodes (tenant_id, scope, kind, node_id, display_name, parent_scope)
SELECT 'g1', '/subscriptions/s' || k, 'subscription', 's' || k, 'Subscription ' || k, '/managementGroups/mg1' FROM generate_series(1, 500) AS k;
INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth)
SELECT 'g1', scope, scope, 0 FROM scope_nodes WHERE tenant_id = 'g1'
UNION ALL SELECT 'g1', scope, '/', 1 FROM scope_nodes WHERE tenant_id = 'g1' AND kind = 'managementGroup'
UNION ALL SELECT 'g1', scope, '/managementGroups/mg1', 1 FROM scope_nodes WHERE tenant_id = 'g1' AND kind = 'subscription'
UNION ALL SELECT 'g1', scope, '/', 2 FROM scope_nodes WHERE tenant_id = 'g1' AND kind = 'subscription';

INSERT INTO principals (tenant_id, principal_id, kind, display_name, email, created_at, updated_at)
SELECT 'g1', 'u' || i, 'user', 'User ' || i, 'u' || i || '@bench.example', now() - interval '100 days', now() - interval '100 days'
FROM generate_series(1, (:assignments - 2500) / 2) AS i;
INSERT INTO principals (tenant_id, principal_id, kind, display_name, email, created_at, updated_at)
SELECT 'g1', 'o' || k, 'user', 'Owner ' || k, 'o' || k || '@bench.example', now() - interval '100 days', now() - interval '100 days'
FROM generate_series(1, 5) AS k;

INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at, justification,
                              created_at, created_by, version, source)
SELECT 'g1', 'ra-' || i || '-' || n, 'u' || i, r.role_id, '/', CASE WHEN i % 5 < 3 THEN 'eligible' ELSE 'active' END,
       now() - interval '60 days', NULL, 'bench',
       now() - CASE WHEN i % 10 = 0 THEN interval '10 days' ELSE interval '60 days' END, 'bench', 1,
       CASE WHEN i % 5 >= 3 AND i % 20 = 3 THEN 'directorySync' ELSE 'pim' END
FROM generate_series(1, (:assignments - 2500) / 2) AS i
CROSS JOIN (VALUES (0), (5)) AS o(n)
JOIN bench_roles r ON r.pos = (i + o.n) % 13;

INSERT INTO role_assignments (tenant_id, assignment_id, principal_id, role_id, scope, type, starts_at, ends_at, justification,
                              created_at, created_by, version)
SELECT 'g1', 'ra-o' || o || '-s' || k, 'o' || o, 'owner', '/subscriptions/s' || k, 'active', now() - interval '60 days', NULL, 'bench',
       now() - interval '60 days', 'bench', 1
FROM generate_series(1, 500) AS k CROSS JOIN generate_series(1, 5) AS o;

-- Activations through every third eligible assignment, begun within the last 30 days (and ended).
INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status, duration_seconds,
                                 justification, requested_at, starts_at, ends_at, closed_at, version)
SELECT a.tenant_id, 'rq-' || a.assignment_id, a.principal_id, a.role_id, a.scope, a.assignment_id, 'expired', 3600, 'bench',
       now() - (abs(hashtext(a.assignment_id)) % 30) * interval '1 day' - interval '2 hours',
       now() - (abs(hashtext(a.assignment_id)) % 30) * interval '1 day' - interval '2 hours',
       now() - (abs(hashtext(a.assignment_id)) % 30) * interval '1 day' - interval '1 hour',
       now() - (abs(hashtext(a.assignment_id)) % 30) * interval '1 day' - interval '1 hour', 2
FROM role_assignments a
WHERE a.tenant_id = 'g1' AND a.type = 'eligible' AND abs(hashtext(a.assignment_id)) % 3 = 0;

-- Users 1..50 activated one of their eligible roles 12 times in the last day.
INSERT INTO activation_requests (tenant_id, request_id, principal_id, role_id, scope, assignment_id, status, duration_seconds,
                                 justification, requested_at, starts_at, ends_at, closed_at, version)
SELECT a.tenant_id, 'rq-f-' || a.assignment_id || '-' || n, a.principal_id, a.role_id, a.scope, a.assignment_id, 'deactivated', 3600, 'bench',
       now() - n * interval '100 minutes', now() - n * interval '100 minutes', now() - n * interval '100 minutes' + interval '1 hour',
       now() - n * interval '100 minutes' + interval '30 minutes', 2
FROM role_assignments a CROSS JOIN generate_series(1, 12) AS n
WHERE a.tenant_id = 'g1' AND a.type = 'eligible' AND a.assignment_id IN (SELECT 'ra-' || i || '-0' FROM generate_series(1, 50) AS i);

-- Every second active assignment was used within the last 10 days.
INSERT INTO assignment_usage (tenant_id, assignment_id, client_id, client_kind, first_used_at, last_used_at, uses)
SELECT a.tenant_id, a.assignment_id, 'gateway', 'service', now() - interval '50 days', now() - (abs(hashtext(a.assignment_id)) % 10) * interval '1 day', 42
FROM role_assignments a WHERE a.tenant_id = 'g1' AND a.type = 'active' AND abs(hashtext(a.assignment_id)) % 2 = 0;

INSERT INTO principal_sightings (tenant_id, principal_id, last_seen_at)
SELECT p.tenant_id, p.principal_id, now() - (abs(hashtext(p.principal_id)) % 120) * interval '1 day'
FROM principals p WHERE p.tenant_id = 'g1' AND abs(hashtext(p.principal_id)) % 3 <> 0;

INSERT INTO role_settings (tenant_id, role_id, scope, document, version, updated_at, updated_by)
SELECT 'g1', r, '/', '{"roleId":"' || r || '","activation":{"maximumDuration":"01:00:00","requireMfa":false,"mfaMaxAge":null,' ||
       '"requireJustification":true,"requireTicket":false,"requireApproval":false,"approvers":[],"approvalTimeout":"1.00:00:00","allowGuests":true},' ||
       '"assignment":{"allowPermanentEligible":true,"maximumEligibleDuration":"365.00:00:00","allowPermanentActive":true,"maximumActiveDuration":"180.00:00:00"},' ||
       '"notifications":{"onActivation":{"notifyRoleAdministrators":true,"additionalRecipients":[]},"onApprovalNeeded":{"notifyApprovers":true},' ||
       '"onDecision":{"notifyRequester":true},"onAssignment":{"notifyAssignee":true}}}', 1, now(), 'bench'
FROM unnest(ARRAY['exchange-administrator', 'teams-administrator']) AS r;

COMMIT;
