-- Therapy modules: the clinic owner's enable/disable choice per module, and who changed it when.
-- A row outlives its plugin: a removed module is listed as not_installed, its data kept.
CREATE TABLE modules (
    id         text PRIMARY KEY,
    name       text NOT NULL DEFAULT '',
    version    text NOT NULL DEFAULT '',
    enabled    boolean NOT NULL DEFAULT true,
    changed_by text NOT NULL DEFAULT '',
    changed_at timestamptz
);

CREATE TABLE module_audit (
    id         bigserial PRIMARY KEY,
    module_id  text NOT NULL REFERENCES modules(id),
    enabled    boolean NOT NULL,
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX module_audit_by_module ON module_audit (module_id, id);
