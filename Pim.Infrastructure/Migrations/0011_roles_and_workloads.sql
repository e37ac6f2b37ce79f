-- A tenant's own roles (issue 15). Their ids begin with 'custom-', so they never collide with a built-in role. The
-- tenant is locked (FOR NO KEY UPDATE) while one is defined, so that the count per tenant holds.
CREATE TABLE custom_roles (
    tenant_id     text        NOT NULL REFERENCES tenants (tenant_id),
    role_id       text        NOT NULL,
    display_name  text        NOT NULL,
    description   text        NOT NULL,
    resource      integer     NOT NULL,
    privileged    integer     NOT NULL,
    created_at    $timestamp$ NOT NULL,
    created_by    text        NOT NULL,
    updated_at    $timestamp$ NOT NULL,
    updated_by    text        NOT NULL,
    PRIMARY KEY (tenant_id, role_id)
);
