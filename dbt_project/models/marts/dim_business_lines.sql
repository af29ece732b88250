{# grain: one row per business line (E.164 of a company phone number) #}
with

int_business_lines_classified as (
    select * from {{ ref('int_business_lines_classified') }}
)

select * from int_business_lines_classified
