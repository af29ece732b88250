{# grain: one row per deal x associated contact #}
with

source as (
    select * from {{ source('hubspot', 'deals') }}
),

unnested as (
    -- Associations ride on the deal record in the list-endpoint shape
    -- (architecture.md), whichever endpoint the connector read.
    select
        cast(source.id as varchar) as deal_id,
        unnest(
            from_json(
                coalesce(source.record -> '$.associations.contacts.results', '[]'),
                '[{"id": "VARCHAR", "type": "VARCHAR"}]'
            )
        ) as association
    from source
),

renamed as (
    select
        -- ids
        unnested.deal_id,
        cast(unnested.association.id as varchar) as contact_id,

        -- strings
        unnested.association.type as association_type
    from unnested
),

deduplicated as (
    -- One contact can be associated several times (several association
    -- labels); the bridge keeps it once.
    select *
    from renamed
    where renamed.contact_id is not null
    qualify row_number() over (
            partition by renamed.deal_id, renamed.contact_id
            order by renamed.association_type
        ) = 1
)

select * from deduplicated
