-- Settings saved before this migration get the default a fresh tenant has: service principals may activate every role
-- but Global and Privileged Role Administrator (activation.allowWorkloads).
UPDATE role_settings SET document = json_set(document, '$.activation.allowWorkloads',
    json(CASE WHEN role_id IN ('global-administrator', 'privileged-role-administrator') THEN 'false' ELSE 'true' END));
