-- Therapy modules: the clinic owner's enable/disable choice per module, and who changed it when.
-- A row outlives its plugin: a removed module is listed as not_installed, its data kept.
CREATE TABLE modules (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    version    TEXT NOT NULL DEFAULT '',
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    changed_by TEXT NOT NULL DEFAULT '',
    changed_at INTEGER
);

CREATE TABLE module_audit (
    id         INTEGER PRIMARY KEY,
    module_id  TEXT NOT NULL REFERENCES modules(id),
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);
CREATE INDEX module_audit_by_module ON module_audit (module_id, id);
