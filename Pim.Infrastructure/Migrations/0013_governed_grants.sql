-- A grant is governed by everything it confers (issue 24): an activation of a group's role (member, owner) is held to the
-- strictest policy of every role the group confers, and the request keeps which roles those were (a JSON array of
-- {roleId, scope, groupId}; NULL for a role held to its own settings alone), so that every read of it can say so.
ALTER TABLE activation_requests ADD COLUMN governed_by text;
