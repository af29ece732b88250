{# grain: one row per business line (E.164 of a telephony number's digits) #}
with

int_telephony_numbers_unioned as (
    select * from {{ ref('int_telephony_numbers_unioned') }}
),

int_telephony_calls_unioned as (
    select * from {{ ref('int_telephony_calls_unioned') }}
),

int_phone_numbers_normalised as (
    select * from {{ ref('int_phone_numbers_normalised') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

line_digits as (
    -- Lines come from the numbers list; a call on a number no longer listed
    -- still names its line in `number.digits`.
    select
        int_telephony_numbers_unioned.number_id,
        int_telephony_numbers_unioned.line_name,
        int_telephony_numbers_unioned.line_digits_raw
    from int_telephony_numbers_unioned
    union all
    select distinct
        int_telephony_calls_unioned.number_id,
        cast(null as varchar) as line_name,
        int_telephony_calls_unioned.line_digits_raw
    from int_telephony_calls_unioned
    where int_telephony_calls_unioned.line_digits_raw is not null
),

lines_normalised as (
    select
        int_phone_numbers_normalised.number_e164 as business_line,
        int_phone_numbers_normalised.number_type,
        line_digits.number_id,
        line_digits.line_name
    from line_digits
    inner join int_phone_numbers_normalised
        on line_digits.line_digits_raw = int_phone_numbers_normalised.raw_number
    where int_phone_numbers_normalised.is_valid
),

lines as (
    select
        lines_normalised.business_line,
        any_value(lines_normalised.number_type) as number_type,
        first(lines_normalised.line_name order by try_cast(lines_normalised.number_id as bigint))
        filter (where lines_normalised.line_name is not null) as line_name,
        list(distinct lines_normalised.number_id order by lines_normalised.number_id)
        filter (where lines_normalised.number_id is not null) as number_ids
    from lines_normalised
    group by lines_normalised.business_line
),

typed as (
    select
        lines.*,
        {{ channel_from_number_type('lines.number_type') }} as type_channel
    from lines
),

classified as (
    -- The seed renames the channel of one line; the group stays the number type's.
    select
        typed.business_line,
        typed.line_name,
        typed.number_ids,
        typed.number_type,
        case when typed.type_channel = 'unknown' then 'unknown' else 'phone' end as channel_group,
        coalesce(channel_mapping.channel, typed.type_channel) as channel,
        coalesce(channel_mapping.channel_label, {{ channel_label('typed.type_channel') }}) as channel_label,
        channel_mapping.business_line is not null as is_channel_mapped
    from typed
    left join channel_mapping
        on typed.business_line = trim(channel_mapping.business_line)
)

select * from classified
