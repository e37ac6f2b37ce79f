-- Protected resources: management groups, subscriptions and resource groups, with a closure table so that
-- "the scope and its ancestors" is one indexed lookup whatever the size of the tree.
CREATE TABLE scope_nodes (
    tenant_id     text NOT NULL REFERENCES tenants (tenant_id),
    scope         text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('managementGroup', 'subscription', 'resourceGroup')),
    node_id       text NOT NULL,
    display_name  text NOT NULL,
    parent_scope  text NOT NULL,
    PRIMARY KEY (tenant_id, scope)
);

CREATE TABLE scope_ancestors (
    tenant_id       text    NOT NULL,
    scope           text    NOT NULL,
    ancestor_scope  text    NOT NULL,
    depth           integer NOT NULL,   -- 0: the scope itself
    PRIMARY KEY (tenant_id, scope, ancestor_scope)
);
CREATE INDEX scope_ancestors_descendants ON scope_ancestors (tenant_id, ancestor_scope);

CREATE INDEX activation_requests_open_by_scope ON activation_requests (tenant_id, scope)
    WHERE status IN ('pendingApproval', 'scheduled', 'active');
