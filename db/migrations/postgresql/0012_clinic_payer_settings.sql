-- 0012: the clinic's payer settings (docs/billing.md "Payer settings"). Effective-dated values
-- of the payer options a therapy module lets the clinic set ("clinic_settable" in its
-- payer_options.json), per payer: e.g. commercial / chiropractic.visits_per_year = 20. A setting
-- is in force from effective_from until the next one of the same (payer, option_key); rows are
-- never changed or removed, so a booking or a visit is always judged as it was on its date.
-- value_json holds the JSON value (20, true, "calendar") as text, as on SQLite (backups and
-- migrate-to copy it unchanged), checked against the module's declaration before it is stored.
CREATE TABLE clinic_payer_settings (
    id             bigserial PRIMARY KEY,
    payer          text NOT NULL CHECK (length(payer) BETWEEN 1 AND 64),
    option_key     text NOT NULL CHECK (length(option_key) BETWEEN 3 AND 128),
    value_json     text NOT NULL CHECK (length(value_json) BETWEEN 1 AND 200),
    effective_from date NOT NULL
                   CHECK (effective_from BETWEEN DATE '2000-01-01' AND DATE '2099-12-31'),
    set_by         text NOT NULL,
    set_at         timestamptz NOT NULL,
    reason         text NOT NULL CHECK (length(reason) > 0)
);
CREATE INDEX clinic_payer_settings_by_key
    ON clinic_payer_settings (payer, option_key, effective_from, id);

-- History, like clinic fees: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION vertebra_clinic_payer_settings_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vertebra_fees: payer settings are history; set a new value instead'
        USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER clinic_payer_settings_no_update BEFORE UPDATE OR DELETE ON clinic_payer_settings
    FOR EACH ROW EXECUTE FUNCTION vertebra_clinic_payer_settings_insert_only();
CREATE TRIGGER clinic_payer_settings_no_truncate BEFORE TRUNCATE ON clinic_payer_settings
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_clinic_payer_settings_insert_only();

-- Owners set them (fee.manage); everyone who books or bills reads them.
REVOKE ALL ON clinic_payer_settings FROM PUBLIC;
GRANT SELECT ON clinic_payer_settings TO vertebra_front_desk, vertebra_therapist, vertebra_owner;
GRANT INSERT ON clinic_payer_settings TO vertebra_owner;
GRANT USAGE, SELECT ON SEQUENCE clinic_payer_settings_id_seq TO vertebra_owner;
