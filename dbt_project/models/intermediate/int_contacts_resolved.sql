{# grain: one row per CRM contact id (in raw, or only named in a survivor's merged ids) #}
with recursive

int_crm_contacts_unioned as (
    select * from {{ ref('int_crm_contacts_unioned') }}
),

merge_lists as (
    select
        int_crm_contacts_unioned.contact_id as survivor_contact_id,
        unnest(int_crm_contacts_unioned.merged_contact_ids) as absorbed_contact_id
    from int_crm_contacts_unioned
),

contact_merges as (
    -- Every survivor's list counts, whatever the absorbed contact's own raw
    -- row says: the CRM may leave it live in raw until a full-key reconciliation.
    select distinct
        merge_lists.absorbed_contact_id,
        merge_lists.survivor_contact_id
    from merge_lists
    where merge_lists.absorbed_contact_id != merge_lists.survivor_contact_id
),

absorbed_contacts as (
    select distinct contact_merges.absorbed_contact_id
    from contact_merges
),

known_contacts as (
    -- A deal may still name a contact merged away before it was ever synced.
    select int_crm_contacts_unioned.contact_id
    from int_crm_contacts_unioned
    union
    select contact_merges.absorbed_contact_id as contact_id
    from contact_merges
),

reachable as (
    -- Every contact a merge chain leads to (A into B, then B into C); union
    -- keeps each pair once, so even a cyclic list terminates.
    select
        known_contacts.contact_id,
        known_contacts.contact_id as reached_contact_id
    from known_contacts
    union
    select
        reachable.contact_id,
        contact_merges.survivor_contact_id as reached_contact_id
    from reachable
    inner join contact_merges
        on reachable.reached_contact_id = contact_merges.absorbed_contact_id
),

final_survivors as (
    -- The final survivor is the reached contact nobody absorbed; the lowest
    -- numeric id settles two (or none, in a cycle) (architecture.md).
    select
        reachable.contact_id,
        first(
            reachable.reached_contact_id
            order by
                absorbed_contacts.absorbed_contact_id is null desc,
                try_cast(reachable.reached_contact_id as bigint) nulls first,
                reachable.reached_contact_id
        ) as surviving_contact_id
    from reachable
    left join absorbed_contacts
        on reachable.reached_contact_id = absorbed_contacts.absorbed_contact_id
    group by reachable.contact_id
),

flagged as (
    select
        -- ids
        final_survivors.contact_id,
        final_survivors.surviving_contact_id,

        -- strings
        case
            when final_survivors.surviving_contact_id != final_survivors.contact_id then 'merged'
            when survivors.contact_id is null then 'unknown'
            when survivors.is_archived then 'archived'
            when survivors.deleted_at is not null then 'gone'
        end as deleted_reason,

        -- booleans
        final_survivors.surviving_contact_id != final_survivors.contact_id as is_merged_away,
        -- A survivor deleted in the CRM takes every contact merged into it along.
        coalesce(survivors.is_archived or survivors.deleted_at is not null, true) as is_survivor_deleted
    from final_survivors
    left join int_crm_contacts_unioned as survivors
        on final_survivors.surviving_contact_id = survivors.contact_id
),

resolved as (
    select
        flagged.*,
        flagged.is_merged_away or flagged.is_survivor_deleted as is_deleted
    from flagged
)

select * from resolved
