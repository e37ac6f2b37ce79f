-- Settings saved before this migration get the default a fresh tenant has: service principals may activate every role
-- but Global and Privileged Role Administrator (activation.allowWorkloads).
UPDATE role_settings SET document = jsonb_set(document::jsonb, '{activation,allowWorkloads}',
    to_jsonb(role_id NOT IN ('global-administrator', 'privileged-role-administrator')), true)::text;
