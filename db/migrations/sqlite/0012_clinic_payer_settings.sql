-- 0012: the clinic's payer settings (docs/billing.md "Payer settings"). Effective-dated values
-- of the payer options a therapy module lets the clinic set ("clinic_settable" in its
-- payer_options.json), per payer: e.g. commercial / chiropractic.visits_per_year = 20. A setting
-- is in force from effective_from until the next one of the same (payer, option_key); rows are
-- never changed or removed, so a booking or a visit is always judged as it was on its date.
-- value_json holds the JSON value (20, true, "calendar"), checked against the module's
-- declaration before it is stored.
CREATE TABLE clinic_payer_settings (
    id             INTEGER PRIMARY KEY,
    payer          TEXT NOT NULL CHECK (length(payer) BETWEEN 1 AND 64),
    option_key     TEXT NOT NULL CHECK (length(option_key) BETWEEN 3 AND 128),
    value_json     TEXT NOT NULL CHECK (length(value_json) BETWEEN 1 AND 200),
    effective_from TEXT NOT NULL
                   CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
                          AND effective_from BETWEEN '2000-01-01' AND '2099-12-31'),
    set_by         TEXT NOT NULL,
    set_at         INTEGER NOT NULL,
    reason         TEXT NOT NULL CHECK (length(reason) > 0)
);
CREATE INDEX clinic_payer_settings_by_key
    ON clinic_payer_settings (payer, option_key, effective_from, id);
CREATE TRIGGER clinic_payer_settings_no_update BEFORE UPDATE ON clinic_payer_settings
BEGIN
    SELECT RAISE(ABORT, 'vertebra_fees: payer settings are history; set a new value instead');
END;
CREATE TRIGGER clinic_payer_settings_no_delete BEFORE DELETE ON clinic_payer_settings
BEGIN
    SELECT RAISE(ABORT, 'vertebra_fees: payer settings are history; set a new value instead');
END;
