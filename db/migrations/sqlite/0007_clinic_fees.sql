-- 0007: the clinic's own fees (docs/billing.md "Clinic fees"). Effective-dated overrides of the
-- shipped fee schedule, per code and optionally per payer ('' = every payer). An override is in
-- force from effective_from until the next one of the same (code, payer); rows are never
-- changed or removed, so a visit is always priced as it was on its date of service.
-- (SQLite has no 0006: that migration is PostgreSQL's one-round-trip booking function.)
CREATE TABLE clinic_fees (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    payer          TEXT NOT NULL DEFAULT '',
    cents_per_unit INTEGER NOT NULL CHECK (cents_per_unit BETWEEN 0 AND 5000000),
    effective_from TEXT NOT NULL
                   CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
                          AND effective_from BETWEEN '2000-01-01' AND '2099-12-31'),
    set_by         TEXT NOT NULL,
    set_at         INTEGER NOT NULL,
    reason         TEXT NOT NULL CHECK (length(reason) > 0)
);
CREATE INDEX clinic_fees_by_key ON clinic_fees (code, payer, effective_from, id);
CREATE TRIGGER clinic_fees_no_update BEFORE UPDATE ON clinic_fees
BEGIN
    SELECT RAISE(ABORT, 'vertebra_fees: clinic fees are history; set a new fee instead');
END;
CREATE TRIGGER clinic_fees_no_delete BEFORE DELETE ON clinic_fees
BEGIN
    SELECT RAISE(ABORT, 'vertebra_fees: clinic fees are history; set a new fee instead');
END;
