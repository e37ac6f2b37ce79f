-- A grant is governed by everything it confers (issue 24): a grant of a group's role (member, owner) is held to the
-- strictest policy of every role the group confers, and keeps which roles those were (a JSON array of
-- {roleId, scope, groupId}; NULL for a role held to its own settings alone): every read of it can say so, and a
-- membership granted through PIM ends when the group comes to confer more than that (GrantRevocation.EndOutgrownAsync).
ALTER TABLE activation_requests ADD COLUMN governed_by text;
ALTER TABLE role_assignments ADD COLUMN governed_by text;
