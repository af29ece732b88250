{# grain: one row per contact x distinct valid E.164 number (phone and mobile phone) #}
with

stg_hubspot__contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

int_phone_numbers_normalised as (
    select * from {{ ref('int_phone_numbers_normalised') }}
),

raw_numbers as (
    select
        stg_hubspot__contacts.contact_id,
        'phone' as phone_field,
        stg_hubspot__contacts.phone_raw as raw_number
    from stg_hubspot__contacts
    where stg_hubspot__contacts.phone_raw is not null
    union all
    select
        stg_hubspot__contacts.contact_id,
        'mobilephone' as phone_field,
        stg_hubspot__contacts.mobile_phone_raw as raw_number
    from stg_hubspot__contacts
    where stg_hubspot__contacts.mobile_phone_raw is not null
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
    -- The same number typed twice in two formats is one number.
    select
        normalised.contact_id,
        normalised.number_e164,
        min(normalised.phone_field) as phone_field
    from normalised
    group by normalised.contact_id, normalised.number_e164
)

select * from deduplicated
