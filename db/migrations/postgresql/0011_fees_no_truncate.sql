-- 0011: clinic fees are history (0007): besides UPDATE and DELETE, TRUNCATE is refused too,
-- whoever asks (as for signed notes and the audit log, 0004). SQLite has no TRUNCATE.
CREATE FUNCTION vertebra_clinic_fees_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vertebra_fees: clinic fees are history and cannot be truncated'
        USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER clinic_fees_no_truncate BEFORE TRUNCATE ON clinic_fees
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_clinic_fees_no_truncate();
