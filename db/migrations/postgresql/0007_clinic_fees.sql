-- 0007: the clinic's own fees (docs/billing.md "Clinic fees"). Effective-dated overrides of the
-- shipped fee schedule, per code and optionally per payer ('' = every payer). An override is in
-- force from effective_from until the next one of the same (code, payer); rows are never
-- changed or removed, so a visit is always priced as it was on its date of service.
CREATE TABLE clinic_fees (
    id             bigserial PRIMARY KEY,
    code           text NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    payer          text NOT NULL DEFAULT '',
    cents_per_unit bigint NOT NULL CHECK (cents_per_unit BETWEEN 0 AND 5000000),
    effective_from date NOT NULL
                   CHECK (effective_from BETWEEN DATE '2000-01-01' AND DATE '2099-12-31'),
    set_by         text NOT NULL,
    set_at         timestamptz NOT NULL,
    reason         text NOT NULL CHECK (length(reason) > 0)
);
CREATE INDEX clinic_fees_by_key ON clinic_fees (code, payer, effective_from, id);

-- History, like the audit log: no UPDATE or DELETE, whoever asks.
CREATE FUNCTION vertebra_clinic_fees_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vertebra_fees: clinic fees are history; set a new fee instead'
        USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER clinic_fees_no_update BEFORE UPDATE OR DELETE ON clinic_fees
    FOR EACH ROW EXECUTE FUNCTION vertebra_clinic_fees_insert_only();

-- Owners set fees (fee.manage); everyone who bills or prices a visit reads them.
REVOKE ALL ON clinic_fees FROM PUBLIC;
GRANT SELECT ON clinic_fees TO vertebra_front_desk, vertebra_therapist, vertebra_owner;
GRANT INSERT ON clinic_fees TO vertebra_owner;
GRANT USAGE, SELECT ON SEQUENCE clinic_fees_id_seq TO vertebra_owner;
