-- The change feed of the grant index (issue 12), in process: every write to what a grant stands on records its tenant
-- here, in the writing transaction; the unit of work takes the rows out just before COMMIT (DELETE ... RETURNING) and
-- tells the index once the transaction has committed. Rows left by a writer outside Pim's unit of work (the sqlite3
-- shell) are taken by the next commit.
CREATE TABLE grant_changes (tenant_id text PRIMARY KEY);
CREATE TRIGGER tenants_inserted AFTER INSERT ON tenants BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER tenants_updated AFTER UPDATE ON tenants BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;
CREATE TRIGGER principals_inserted AFTER INSERT ON principals BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER principals_updated AFTER UPDATE ON principals BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER principals_deleted AFTER DELETE ON principals BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;
CREATE TRIGGER group_memberships_inserted AFTER INSERT ON group_memberships BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER group_memberships_updated AFTER UPDATE ON group_memberships BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER group_memberships_deleted AFTER DELETE ON group_memberships BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;
CREATE TRIGGER role_assignments_inserted AFTER INSERT ON role_assignments BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER role_assignments_updated AFTER UPDATE ON role_assignments BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER role_assignments_deleted AFTER DELETE ON role_assignments BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;
CREATE TRIGGER activation_requests_inserted AFTER INSERT ON activation_requests BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER activation_requests_updated AFTER UPDATE ON activation_requests BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER activation_requests_deleted AFTER DELETE ON activation_requests BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;
CREATE TRIGGER scope_ancestors_inserted AFTER INSERT ON scope_ancestors BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER scope_ancestors_updated AFTER UPDATE ON scope_ancestors BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER scope_ancestors_deleted AFTER DELETE ON scope_ancestors BEGIN INSERT OR IGNORE INTO grant_changes (tenant_id) VALUES (OLD.tenant_id); END;
