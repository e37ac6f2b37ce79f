-- The closure of memberships is what evaluation reads of groups: its changes are on the grant change feed (0006).
CREATE TRIGGER group_closure_inserted AFTER INSERT ON group_closure BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER group_closure_updated AFTER UPDATE ON group_closure BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER group_closure_deleted AFTER DELETE ON group_closure BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;

-- A membership deleted or changed behind Pim's back (a restore, a manual fix) takes with it, at once, every row of the
-- closure that may have come through it: the member and everyone below it lose the group and everything above it.
-- That may forget more than the membership gave (another way to the same group): it fails closed, and Pim's own writes
-- work the closure out again for everyone they touch right after.
CREATE TRIGGER group_memberships_forget_closure AFTER DELETE ON group_memberships BEGIN
    DELETE FROM group_closure
    WHERE tenant_id = OLD.tenant_id
      AND (member_id = OLD.member_id
           OR member_id IN (SELECT d.member_id FROM group_closure d WHERE d.tenant_id = OLD.tenant_id AND d.group_id = OLD.member_id))
      AND (group_id = OLD.group_id
           OR group_id IN (SELECT a.group_id FROM group_closure a WHERE a.tenant_id = OLD.tenant_id AND a.member_id = OLD.group_id));
END;
CREATE TRIGGER group_memberships_forget_closure_on_update AFTER UPDATE ON group_memberships BEGIN
    DELETE FROM group_closure
    WHERE tenant_id = OLD.tenant_id
      AND (member_id = OLD.member_id
           OR member_id IN (SELECT d.member_id FROM group_closure d WHERE d.tenant_id = OLD.tenant_id AND d.group_id = OLD.member_id))
      AND (group_id = OLD.group_id
           OR group_id IN (SELECT a.group_id FROM group_closure a WHERE a.tenant_id = OLD.tenant_id AND a.member_id = OLD.group_id));
END;
