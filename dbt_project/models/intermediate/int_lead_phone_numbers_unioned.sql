{# grain: one row per lead x distinct valid E.164 number (its phones and those of contacts merged into it) #}
with

int_crm_contact_phones_unioned as (
    select * from {{ ref('int_crm_contact_phones_unioned') }}
),

int_contacts_resolved as (
    select * from {{ ref('int_contacts_resolved') }}
),

int_phone_numbers_normalised as (
    select * from {{ ref('int_phone_numbers_normalised') }}
),

raw_numbers as (
    -- A merged-away contact's phones are its survivor's (kpis.md); a deleted
    -- contact's phones are nobody's, so its calls stay calls of no lead.
    select
        int_contacts_resolved.surviving_contact_id as contact_id,
        int_crm_contact_phones_unioned.phone_field,
        int_crm_contact_phones_unioned.raw_number
    from int_crm_contact_phones_unioned
    inner join int_contacts_resolved
        on int_crm_contact_phones_unioned.contact_id = int_contacts_resolved.contact_id
    where not int_contacts_resolved.is_survivor_deleted
),

normalised as (
    -- Invalid and anonymous numbers match nothing (kpis.md "lead").
    select
        raw_numbers.contact_id,
        raw_numbers.phone_field,
        int_phone_numbers_normalised.number_e164
    from raw_numbers
    inner join int_phone_numbers_normalised
        on raw_numbers.raw_number = int_phone_numbers_normalised.raw_number
    where int_phone_numbers_normalised.is_valid
),

deduplicated as (
    -- The same number typed twice in two formats, or on a survivor and a
    -- contact merged into it, is one number.
    select
        normalised.contact_id,
        normalised.number_e164,
        min(normalised.phone_field) as phone_field
    from normalised
    group by normalised.contact_id, normalised.number_e164
)

select * from deduplicated
