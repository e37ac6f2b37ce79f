-- The console's tenant switcher lists the tenants where a person is a guest: the principals whose home identity is
-- theirs, in every tenant (PrincipalRepository.ListGuestTenantsAsync). principals_home_identity leads with tenant_id,
-- which that read does not know; this index answers it without reading the table.
CREATE INDEX principals_guest_of ON principals (home_tenant_id, home_principal_id) WHERE home_tenant_id IS NOT NULL;
