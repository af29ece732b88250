-- Merge chains resolve to the end: a contact's survivor is its own survivor, and a
-- contact that is not deleted is its own survivor.
select
    int_contacts_resolved.contact_id,
    int_contacts_resolved.surviving_contact_id,
    survivors.surviving_contact_id as survivors_survivor_id
from {{ ref('int_contacts_resolved') }} as int_contacts_resolved
left join {{ ref('int_contacts_resolved') }} as survivors
    on int_contacts_resolved.surviving_contact_id = survivors.contact_id
where survivors.surviving_contact_id is distinct from int_contacts_resolved.surviving_contact_id
    or (
        not int_contacts_resolved.is_deleted
        and int_contacts_resolved.surviving_contact_id != int_contacts_resolved.contact_id
    )
