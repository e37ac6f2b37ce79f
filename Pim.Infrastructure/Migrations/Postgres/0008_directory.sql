-- The closure of memberships is what evaluation reads of groups: its changes are on the grant change feed (0006).
CREATE TRIGGER group_closure_inserted AFTER INSERT ON group_closure REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER group_closure_updated AFTER UPDATE ON group_closure REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER group_closure_deleted AFTER DELETE ON group_closure REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();

-- A membership deleted or changed behind Pim's back (a restore, a manual fix) takes with it, at once, every row of the
-- closure that may have come through it: the member and everyone below it lose the group and everything above it.
-- That may forget more than the membership gave (another way to the same group): it fails closed, and Pim's own writes
-- work the closure out again for everyone they touch right after.
CREATE FUNCTION group_memberships_forget_closure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM group_closure c
    WHERE c.tenant_id = OLD.tenant_id
      AND (c.member_id = OLD.member_id
           OR c.member_id IN (SELECT d.member_id FROM group_closure d WHERE d.tenant_id = OLD.tenant_id AND d.group_id = OLD.member_id))
      AND (c.group_id = OLD.group_id
           OR c.group_id IN (SELECT a.group_id FROM group_closure a WHERE a.tenant_id = OLD.tenant_id AND a.member_id = OLD.group_id));
    RETURN NULL;
END;
$$;
CREATE TRIGGER group_memberships_forget_closure AFTER DELETE OR UPDATE ON group_memberships
    FOR EACH ROW EXECUTE FUNCTION group_memberships_forget_closure();
