-- One-round-trip booking on PostgreSQL (issue 9): vertebra_book() does, inside one statement
-- called in autocommit, what a booking otherwise needs five or six round trips for: the patient
-- exists, no time off of the practitioner overlaps, no time-occupying appointment of the same
-- practitioner, room or patient overlaps (the conflict named), the optional series row, the
-- INSERTs. The exclusion constraints of 0001 stay the guarantee: two bookings racing past the
-- check meet them (23P01). Hours, discipline, equipment and services are checked by the
-- scheduler before the call (from its cache).
--
-- Errors (the repository maps them; messages carry data, not prose):
--   VB404  'vertebra_book:patient:<id>'                 the patient does not exist
--   VB422  'vertebra_book:time_off:<time_off id>'       the practitioner is off then
--   VB409  'vertebra_book:conflict:<appointment id>:<practitioner|room|patient>'
CREATE FUNCTION vertebra_book(p_patient bigint, p_practitioner bigint, p_room bigint,
                              p_service bigint, p_starts bigint[], p_ends bigint[],
                              p_notes text, p_rrule text, p_local_start text, p_minutes integer)
    RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[] := '{}';
    v_series bigint;
    v_id bigint;
    v_off bigint;
    v_hit record;
    v_s timestamptz;
    v_e timestamptz;
    i integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM patients WHERE id = p_patient) THEN
        RAISE EXCEPTION 'vertebra_book:patient:%', p_patient USING ERRCODE = 'VB404';
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_starts, 1), 0) LOOP
        v_s := to_timestamp(p_starts[i]);
        v_e := to_timestamp(p_ends[i]);
        SELECT id INTO v_off FROM time_off
         WHERE practitioner_id = p_practitioner AND start_at < v_e AND end_at > v_s
         ORDER BY start_at LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'vertebra_book:time_off:%', v_off USING ERRCODE = 'VB422';
        END IF;
        -- start_at > s - 12h lets the start_at index bound the scan (appointments are <= 12h).
        SELECT a.id, a.practitioner_id, a.room_id INTO v_hit FROM appointments a
         WHERE a.status <> 'cancelled' AND a.start_at < v_e
           AND a.start_at > v_s - interval '12 hours' AND a.end_at > v_s
           AND (a.practitioner_id = p_practitioner OR a.patient_id = p_patient
                OR a.room_id = p_room)
         ORDER BY a.start_at, a.id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'vertebra_book:conflict:%:%', v_hit.id,
                CASE WHEN v_hit.practitioner_id = p_practitioner THEN 'practitioner'
                     WHEN p_room IS NOT NULL AND v_hit.room_id = p_room THEN 'room'
                     ELSE 'patient' END
                USING ERRCODE = 'VB409';
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

-- Runs with the caller's rights (SECURITY INVOKER): the table grants of 0004 still decide who
-- may book (front desk and therapists).
REVOKE EXECUTE ON FUNCTION vertebra_book(bigint, bigint, bigint, bigint, bigint[], bigint[], text,
                                         text, text, integer) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vertebra_front_desk') THEN
        GRANT EXECUTE ON FUNCTION vertebra_book(bigint, bigint, bigint, bigint, bigint[],
                                                bigint[], text, text, text, integer)
            TO vertebra_front_desk, vertebra_therapist;
    END IF;
END;
$$;
