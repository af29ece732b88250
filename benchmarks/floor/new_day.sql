-- One new day of records in the raw layer, as the next nightly sync would land them:
-- the calls of the last Friday again three days later, on the Monday after the year (new ids), about 1/365 of the contacts
-- and deals new and as many changed. Deterministic (hash-picked rows), no vendor round trip.
-- Variables: run_id. The connector's merge marks every landed row with _loaded_at = now().
INSERT INTO raw_aircall.calls (id, record, modified_at, is_archived, _loaded_at, _run_id)
SELECT
    cast(cast(id AS bigint) + 3000000 AS varchar),
    json_merge_patch(record, json_object(
        'id', cast(id AS bigint) + 3000000,
        'started_at', cast(record ->> '$.started_at' AS bigint) + 3 * 86400,
        'answered_at', cast(record ->> '$.answered_at' AS bigint) + 3 * 86400,
        'ended_at', cast(record ->> '$.ended_at' AS bigint) + 3 * 86400
    )),
    NULL, false, now(), getvariable('run_id')
FROM raw_aircall.calls
-- The sandbox year ends on a Monday 00:00 (as_of 2026-06-15): its Friday is 3 days before.
WHERE cast(record ->> '$.started_at' AS bigint) BETWEEN
    (SELECT max(cast(record ->> '$.started_at' AS bigint)) FROM raw_aircall.calls) - 3 * 86400
    AND (SELECT max(cast(record ->> '$.started_at' AS bigint)) FROM raw_aircall.calls) - 2 * 86400;

CREATE OR REPLACE TEMP TABLE day_contacts AS
SELECT * FROM raw_hubspot.contacts WHERE hash(id) % 365 = 0;

INSERT INTO raw_hubspot.contacts (id, record, modified_at, is_archived, _loaded_at, _run_id)
SELECT
    cast(cast(id AS bigint) + 900000000 AS varchar),
    json_merge_patch(record, json_object(
        'id', cast(cast(id AS bigint) + 900000000 AS varchar),
        'createdAt', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
        'updatedAt', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
        'properties', json_object(
            'hs_object_id', cast(cast(id AS bigint) + 900000000 AS varchar),
            'createdate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
            'lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z')
        )
    )),
    now(), false, now(), getvariable('run_id')
FROM day_contacts;

UPDATE raw_hubspot.contacts SET
    record = json_merge_patch(record, json_object('properties', json_object(
        'lifecyclestage', 'customer',
        'lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z')
    ))),
    modified_at = now(), _loaded_at = now(), _run_id = getvariable('run_id')
WHERE hash(id) % 365 = 1;

INSERT INTO raw_hubspot.deals (id, record, modified_at, is_archived, _loaded_at, _run_id)
SELECT
    cast(cast(id AS bigint) + 7 * 9000000 AS varchar),
    json_merge_patch(record, json_object(
        'id', cast(cast(id AS bigint) + 7 * 9000000 AS varchar),
        'properties', json_object(
            'hs_object_id', cast(cast(id AS bigint) + 7 * 9000000 AS varchar),
            'createdate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
            'hs_lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
            'dealstage', 'appointmentscheduled', 'hs_is_closed', 'false',
            'hs_is_closed_won', 'false', 'closedate', NULL
        )
    )),
    now(), false, now(), getvariable('run_id')
FROM raw_hubspot.deals
WHERE hash(id) % 365 = 0 AND NOT is_archived AND record ->> '$.properties.pipeline' = 'default';

UPDATE raw_hubspot.deals SET
    record = json_merge_patch(record, json_object('properties', json_object(
        'dealstage', 'closedwon', 'hs_is_closed', 'true', 'hs_is_closed_won', 'true',
        'closedate', strftime(now(), '%Y-%m-%dT%H:%M:%SZ'),
        'hs_lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z')
    ))),
    modified_at = now(), _loaded_at = now(), _run_id = getvariable('run_id')
WHERE hash(id) % 365 = 1 AND NOT is_archived AND record ->> '$.properties.pipeline' = 'default';
