-- Live calendar on PostgreSQL (issue 7): every statement that inserts, updates or deletes
-- appointments sends one NOTIFY on channel 'vertebra_schedule', delivered to listening
-- workstations when the transaction commits (nothing for a rolled-back one). The payload is JSON:
--   {"op": "insert|update|delete", "count": rows, "id": the id when one row, else null,
--    "from": earliest start, "to": latest end (epoch seconds, old and new rows of an update)}
-- so a workstation re-reads only when the change touches the days it shows
-- (db/src/change_feed.cpp). Statement-level triggers with transition tables: a bulk insert
-- (demo seed, import) sends one notification, not one per row. PostgreSQL only: SQLite
-- workstations watch PRAGMA data_version instead. No 0007 here: that number is the fee
-- schedules' migration on both backends; the runner applies every missing version.
CREATE FUNCTION vertebra_schedule_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_count bigint;
    v_from  timestamptz;
    v_to    timestamptz;
    v_id    bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT count(*), min(start_at), max(end_at), min(id)
          INTO v_count, v_from, v_to, v_id FROM vertebra_new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT count(*), min(start_at), max(end_at), min(id)
          INTO v_count, v_from, v_to, v_id FROM vertebra_old_rows;
    ELSE
        SELECT count(*), min(id) INTO v_count, v_id FROM vertebra_new_rows;
        SELECT min(s), max(e) INTO v_from, v_to FROM (
            SELECT start_at AS s, end_at AS e FROM vertebra_old_rows
            UNION ALL
            SELECT start_at, end_at FROM vertebra_new_rows) AS touched;
    END IF;
    IF v_count = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('vertebra_schedule', json_build_object(
        'op', lower(TG_OP),
        'count', v_count,
        'id', CASE WHEN v_count = 1 THEN v_id END,
        'from', floor(extract(epoch FROM v_from))::bigint,
        'to', ceil(extract(epoch FROM v_to))::bigint)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER appointments_notify_insert AFTER INSERT ON appointments
    REFERENCING NEW TABLE AS vertebra_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_schedule_notify();
CREATE TRIGGER appointments_notify_update AFTER UPDATE ON appointments
    REFERENCING OLD TABLE AS vertebra_old_rows NEW TABLE AS vertebra_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_schedule_notify();
CREATE TRIGGER appointments_notify_delete AFTER DELETE ON appointments
    REFERENCING OLD TABLE AS vertebra_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_schedule_notify();
