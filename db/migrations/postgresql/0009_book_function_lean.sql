-- vertebra_book() without its own overlap query (issue 9, concurrent_booking_throughput_ratio).
-- 0006 looked for an overlapping appointment of the practitioner, room or patient before the
-- INSERT. With 32 clients on a busy server that OR-query over a 12-hour window of every
-- practitioner's appointments cost as much CPU as the INSERT itself (booking throughput was 0.52
-- of bare inserts on an idle 2-core machine), and it repeated what the three exclusion
-- constraints of 0001 check on every INSERT anyway. The constraints now decide alone: a conflict
-- fails the INSERT with 23P01, the whole call (series row included) is rolled back, and the
-- client looks up whom it conflicted with (db/src/one_step_booking.cpp, the path a lost race
-- already took). Patient and time-off checks stay: the patient check gives a clear "no such
-- patient" instead of a foreign-key error, and time off has no constraint.
CREATE OR REPLACE FUNCTION vertebra_book(p_patient bigint, p_practitioner bigint, p_room bigint,
                                         p_service bigint, p_starts bigint[], p_ends bigint[],
                                         p_notes text, p_rrule text, p_local_start text,
                                         p_minutes integer)
    RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[] := '{}';
    v_series bigint;
    v_id bigint;
    v_off bigint;
    i integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM patients WHERE id = p_patient) THEN
        RAISE EXCEPTION 'vertebra_book:patient:%', p_patient USING ERRCODE = 'VB404';
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_starts, 1), 0) LOOP
        SELECT id INTO v_off FROM time_off
         WHERE practitioner_id = p_practitioner AND start_at < to_timestamp(p_ends[i])
           AND end_at > to_timestamp(p_starts[i])
         ORDER BY start_at LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'vertebra_book:time_off:%', v_off USING ERRCODE = 'VB422';
        END IF;
    END LOOP;
    IF p_rrule IS NOT NULL THEN
        INSERT INTO series (rrule, local_start, minutes) VALUES (p_rrule, p_local_start, p_minutes)
            RETURNING id INTO v_series;
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_starts, 1), 0) LOOP
        INSERT INTO appointments (patient_id, practitioner_id, room_id, service_id, series_id,
                                  start_at, end_at, notes)
        VALUES (p_patient, p_practitioner, p_room, p_service, v_series,
                to_timestamp(p_starts[i]), to_timestamp(p_ends[i]), coalesce(p_notes, ''))
        RETURNING id INTO v_id;
        v_ids := v_ids || v_id;
    END LOOP;
    RETURN v_ids;
END;
$$;
