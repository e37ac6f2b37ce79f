-- The directory as identity systems keep it (issue 14): nested groups, SCIM 2.0 provisioning, listing.
--
-- Nested groups: group_memberships stays what the directory says (a principal's direct groups); group_closure is every
-- group a principal is a member of, directly (depth 1) or through nested groups (depth n: the shortest way), maintained
-- by Pim's unit of work on every membership write, as scope_ancestors is for the scope tree. Whatever expands a group
-- (evaluation, eligibility, approvers, the grant index) reads it, so that it stays one indexed lookup.
CREATE TABLE group_closure (
    tenant_id  text    NOT NULL,
    member_id  text    NOT NULL,
    group_id   text    NOT NULL,
    depth      integer NOT NULL CHECK (depth >= 1),
    PRIMARY KEY (tenant_id, member_id, group_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES principals (tenant_id, principal_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, group_id) REFERENCES principals (tenant_id, principal_id) ON DELETE CASCADE
);
CREATE INDEX group_closure_members ON group_closure (tenant_id, group_id);
CREATE INDEX group_memberships_members ON group_memberships (tenant_id, group_id);

-- Memberships synced before this migration: groups could already be members of groups, which now counts. The closure
-- is built to the depth Pim allows (8); a cycle the old write path let in ends there, and never makes a group its own member.
INSERT INTO group_closure (tenant_id, member_id, group_id, depth)
WITH RECURSIVE reach (tenant_id, member_id, group_id, depth) AS (
    SELECT m.tenant_id, m.member_id, m.group_id, 1 FROM group_memberships m
    UNION
    SELECT r.tenant_id, r.member_id, m.group_id, r.depth + 1
    FROM reach r JOIN group_memberships m ON m.tenant_id = r.tenant_id AND m.member_id = r.group_id
    WHERE r.depth < 8)
SELECT tenant_id, member_id, group_id, min(depth) FROM reach WHERE member_id <> group_id GROUP BY tenant_id, member_id, group_id;

-- SCIM 2.0 (RFC 7643/7644): a user's userName (its id when it has none) and a resource's externalId are unique in the
-- tenant; the attributes Pim keeps as the client sent them (name, emails, phone numbers, addresses, the enterprise
-- extension, …) are one JSON document; the version is the resource's ETag. The *_key columns are the case-insensitive
-- forms Pim compares (lower-cased by Pim, so that both stores compare alike), for SCIM filters and the directory's text
-- search. userName uniqueness is checked under the tenant's hold (ids synced before could differ only in case).
ALTER TABLE principals ADD COLUMN user_name text NULL;
ALTER TABLE principals ADD COLUMN user_name_key text NULL;
ALTER TABLE principals ADD COLUMN external_id text NULL;
ALTER TABLE principals ADD COLUMN attributes text NULL;
ALTER TABLE principals ADD COLUMN display_name_key text NULL;
ALTER TABLE principals ADD COLUMN email_key text NULL;
ALTER TABLE principals ADD COLUMN version integer NOT NULL DEFAULT 1;
UPDATE principals SET display_name_key = lower(display_name), email_key = lower(email),
    user_name_key = CASE WHEN kind = 'user' THEN lower(principal_id) END;
CREATE INDEX principals_user_name ON principals (tenant_id, user_name_key) WHERE user_name_key IS NOT NULL;
CREATE UNIQUE INDEX principals_external_id ON principals (tenant_id, external_id) WHERE external_id IS NOT NULL;
