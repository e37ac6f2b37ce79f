-- Just-in-time group membership (issue 15): a group of the directory is a scope of its own, /groups/{groupId}, at which
-- its roles member and owner are held. Like every scope it is registered in scope_ancestors (with itself as its only
-- ancestor: nothing of the resource tree applies to it); the principal repository keeps the rows as groups come and go.
INSERT INTO scope_ancestors (tenant_id, scope, ancestor_scope, depth)
SELECT tenant_id, '/groups/' || principal_id, '/groups/' || principal_id, 0 FROM principals WHERE kind = 'group';

-- Memberships held through PIM are read by member on every expansion of groups (MembershipSql.Memberships).
CREATE INDEX activation_requests_memberships ON activation_requests (tenant_id, principal_id, scope)
    WHERE role_id = 'member' AND status IN ('active', 'scheduled');
