{# grain: one row per Pipedrive person x position in its `phones` list #}
with

source as (
    select * from {{ source('pipedrive', 'persons') }}
),

parsed as (
    select
        cast(source.id as varchar) as person_id,
        from_json(
            coalesce(source.record -> '$.phones', '[]'), '[{"value": "VARCHAR", "label": "VARCHAR"}]'
        ) as phones
    from source
),

unnested as (
    -- Two unnests in one select are zipped: each phone with its position, so
    -- two phones under one label stay two rows.
    select
        parsed.person_id,
        unnest(parsed.phones) as phone,
        unnest(range(1, len(parsed.phones) + 1)) as phone_position
    from parsed
),

renamed as (
    select
        -- ids
        'pipedrive:' || unnested.person_id as contact_id,

        -- strings: every phone counts, whatever its label (kpis.md "lead phones");
        -- the free text is parsed by int_phone_numbers_normalised
        'phones_' || cast(unnested.phone_position as varchar) as phone_field,
        nullif(trim(unnested.phone.value), '') as raw_number
    from unnested
),

listed as (
    select *
    from renamed
    where renamed.raw_number is not null
)

select * from listed
