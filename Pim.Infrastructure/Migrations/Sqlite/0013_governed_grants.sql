-- SQLite only: the change feed's triggers (0006, 0008) recorded a tenant with INSERT OR IGNORE, but a trigger fired by an
-- UPSERT (INSERT ... ON CONFLICT DO UPDATE: a principal synced again) takes the UPSERT's conflict handling instead of its
-- own, so a tenant row already waiting in grant_changes (left by a writer outside Pim, which the next commit takes) made
-- the sync fail as a unique violation. Each trigger now inserts only a tenant that is not there yet.
DROP TRIGGER tenants_inserted;
CREATE TRIGGER tenants_inserted AFTER INSERT ON tenants BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER tenants_updated;
CREATE TRIGGER tenants_updated AFTER UPDATE ON tenants BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER tenants_deleted;
CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
DROP TRIGGER principals_inserted;
CREATE TRIGGER principals_inserted AFTER INSERT ON principals BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER principals_updated;
CREATE TRIGGER principals_updated AFTER UPDATE ON principals BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER principals_deleted;
CREATE TRIGGER principals_deleted AFTER DELETE ON principals BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
DROP TRIGGER group_memberships_inserted;
CREATE TRIGGER group_memberships_inserted AFTER INSERT ON group_memberships BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER group_memberships_updated;
CREATE TRIGGER group_memberships_updated AFTER UPDATE ON group_memberships BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER group_memberships_deleted;
CREATE TRIGGER group_memberships_deleted AFTER DELETE ON group_memberships BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
DROP TRIGGER role_assignments_inserted;
CREATE TRIGGER role_assignments_inserted AFTER INSERT ON role_assignments BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER role_assignments_updated;
CREATE TRIGGER role_assignments_updated AFTER UPDATE ON role_assignments BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER role_assignments_deleted;
CREATE TRIGGER role_assignments_deleted AFTER DELETE ON role_assignments BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
DROP TRIGGER activation_requests_inserted;
CREATE TRIGGER activation_requests_inserted AFTER INSERT ON activation_requests BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER activation_requests_updated;
CREATE TRIGGER activation_requests_updated AFTER UPDATE ON activation_requests BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER activation_requests_deleted;
CREATE TRIGGER activation_requests_deleted AFTER DELETE ON activation_requests BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
DROP TRIGGER scope_ancestors_inserted;
CREATE TRIGGER scope_ancestors_inserted AFTER INSERT ON scope_ancestors BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER scope_ancestors_updated;
CREATE TRIGGER scope_ancestors_updated AFTER UPDATE ON scope_ancestors BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER scope_ancestors_deleted;
CREATE TRIGGER scope_ancestors_deleted AFTER DELETE ON scope_ancestors BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
DROP TRIGGER group_closure_inserted;
CREATE TRIGGER group_closure_inserted AFTER INSERT ON group_closure BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER group_closure_updated;
CREATE TRIGGER group_closure_updated AFTER UPDATE ON group_closure BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT NEW.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = NEW.tenant_id);
END;
DROP TRIGGER group_closure_deleted;
CREATE TRIGGER group_closure_deleted AFTER DELETE ON group_closure BEGIN
    INSERT INTO grant_changes (tenant_id) SELECT OLD.tenant_id WHERE NOT EXISTS (SELECT 1 FROM grant_changes c WHERE c.tenant_id = OLD.tenant_id);
END;
