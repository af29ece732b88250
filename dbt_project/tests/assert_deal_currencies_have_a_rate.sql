-- Money rule: a deal without a home-currency amount, in a currency other than the
-- reporting one, needs a row in currency_rates.csv, or its revenue would be lost.
select
    deal_id,
    currency_code
from {{ ref('int_deals_classified') }}
where is_missing_rate
