-- 0011: clinic fees are history (0007): besides UPDATE and DELETE, TRUNCATE is refused too,
-- whoever asks (as for signed notes and the audit log, 0004), by 0007's own refusal. SQLite has
-- no TRUNCATE.
CREATE TRIGGER clinic_fees_no_truncate BEFORE TRUNCATE ON clinic_fees
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_clinic_fees_insert_only();
