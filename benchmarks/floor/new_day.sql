-- One new day of records in the raw layer, as the next nightly sync would land them:
-- the calls of the last Friday again three days later, on the Monday after the year (new ids),
-- about 1/365 of the contacts and deals new and as many changed. Deterministic (hash-picked
-- rows), no vendor round trip.
-- Variables: run_id. The connector's merge marks every landed row with _loaded_at = now().
insert into raw_aircall.calls (id, record, modified_at, is_archived, _loaded_at, _run_id)
select
    cast(cast(calls.id as bigint) + 3000000 as varchar),
    json_merge_patch(calls.record, json_object(
        'id', cast(calls.id as bigint) + 3000000,
        'started_at', cast(calls.record ->> '$.started_at' as bigint) + 3 * 86400,
        'answered_at', cast(calls.record ->> '$.answered_at' as bigint) + 3 * 86400,
        'ended_at', cast(calls.record ->> '$.ended_at' as bigint) + 3 * 86400
    )),
    null,
    false,
    now(),
    getvariable('run_id')
from raw_aircall.calls
-- The sandbox year ends on a Monday 00:00 (as_of 2026-06-15): its Friday is 3 days before.
where cast(calls.record ->> '$.started_at' as bigint) between
    (select max(cast(record ->> '$.started_at' as bigint)) from raw_aircall.calls) - 3 * 86400
    and (select max(cast(record ->> '$.started_at' as bigint)) from raw_aircall.calls) - 2 * 86400;

create or replace temp table day_contacts as
select * from raw_hubspot.contacts
where hash(contacts.id) % 365 = 0;

insert into raw_hubspot.contacts (id, record, modified_at, is_archived, _loaded_at, _run_id)
select
    cast(cast(day_contacts.id as bigint) + 900000000 as varchar),
    json_merge_patch(day_contacts.record, json_object(
        'id', cast(cast(day_contacts.id as bigint) + 900000000 as varchar),
        'createdAt', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
        'updatedAt', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
        'properties', json_object(
            'hs_object_id', cast(cast(day_contacts.id as bigint) + 900000000 as varchar),
            'createdate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
            'lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z')
        )
    )),
    now(),
    false,
    now(),
    getvariable('run_id')
from day_contacts;

update raw_hubspot.contacts set
    record = json_merge_patch(record, json_object('properties', json_object(
        'lifecyclestage', 'customer',
        'lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z')
    ))),
    modified_at = now(), _loaded_at = now(), _run_id = getvariable('run_id')
where hash(id) % 365 = 1;

insert into raw_hubspot.deals (id, record, modified_at, is_archived, _loaded_at, _run_id)
select
    cast(cast(deals.id as bigint) + 7 * 9000000 as varchar),
    json_merge_patch(deals.record, json_object(
        'id', cast(cast(deals.id as bigint) + 7 * 9000000 as varchar),
        'properties', json_object(
            'hs_object_id', cast(cast(deals.id as bigint) + 7 * 9000000 as varchar),
            'createdate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
            'hs_lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z'),
            'dealstage', 'appointmentscheduled', 'hs_is_closed', 'false',
            'hs_is_closed_won', 'false', 'closedate', null
        )
    )),
    now(),
    false,
    now(),
    getvariable('run_id')
from raw_hubspot.deals
where hash(deals.id) % 365 = 0 and not deals.is_archived and deals.record ->> '$.properties.pipeline' = 'default';

update raw_hubspot.deals set
    record = json_merge_patch(record, json_object('properties', json_object(
        'dealstage', 'closedwon', 'hs_is_closed', 'true', 'hs_is_closed_won', 'true',
        'closedate', strftime(now(), '%Y-%m-%dT%H:%M:%SZ'),
        'hs_lastmodifieddate', strftime(now(), '%Y-%m-%dT%H:%M:%S.000Z')
    ))),
    modified_at = now(), _loaded_at = now(), _run_id = getvariable('run_id')
where hash(id) % 365 = 1 and not is_archived and record ->> '$.properties.pipeline' = 'default';
