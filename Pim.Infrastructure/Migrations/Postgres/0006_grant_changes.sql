-- The change feed of the grant index (issue 12): every transaction that writes what a grant stands on tells, at its commit,
-- which tenants it changed: NOTIFY pim_grants '<tenant id>' (PostgreSQL delivers it to every listening replica only
-- once the transaction commits, and never if it rolls back), and, for the replica that committed it, the same list in
-- the transaction-local setting pim.grants_changed (read just before COMMIT). Statement triggers with transition
-- tables, so that a bulk write costs one call per statement, not one per row.
CREATE FUNCTION pim_grants_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text := coalesce(current_setting('pim.grants_changed', true), '');
    tenant text;
BEGIN
    FOR tenant IN SELECT DISTINCT c.tenant_id FROM changed_rows c LOOP
        IF position(' ' || tenant || ' ' IN changed) = 0 THEN
            changed := changed || ' ' || tenant || ' ';
            PERFORM pg_notify('pim_grants', tenant);
        END IF;
    END LOOP;
    PERFORM set_config('pim.grants_changed', changed, true);
    RETURN NULL;
END;
$$;

CREATE TRIGGER tenants_inserted AFTER INSERT ON tenants REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER tenants_updated AFTER UPDATE ON tenants REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();

CREATE TRIGGER principals_inserted AFTER INSERT ON principals REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER principals_updated AFTER UPDATE ON principals REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER principals_deleted AFTER DELETE ON principals REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();

CREATE TRIGGER group_memberships_inserted AFTER INSERT ON group_memberships REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER group_memberships_updated AFTER UPDATE ON group_memberships REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER group_memberships_deleted AFTER DELETE ON group_memberships REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();

CREATE TRIGGER role_assignments_inserted AFTER INSERT ON role_assignments REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER role_assignments_updated AFTER UPDATE ON role_assignments REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER role_assignments_deleted AFTER DELETE ON role_assignments REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();

CREATE TRIGGER activation_requests_inserted AFTER INSERT ON activation_requests REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER activation_requests_updated AFTER UPDATE ON activation_requests REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER activation_requests_deleted AFTER DELETE ON activation_requests REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();

CREATE TRIGGER scope_ancestors_inserted AFTER INSERT ON scope_ancestors REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER scope_ancestors_updated AFTER UPDATE ON scope_ancestors REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
CREATE TRIGGER scope_ancestors_deleted AFTER DELETE ON scope_ancestors REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pim_grants_changed();
