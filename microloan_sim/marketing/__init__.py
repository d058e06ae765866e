"""微贷营销 (marketing), course 06: a seeded synthetic county, officer-days spent on strategies, the funnel,
cost per loan, coverage, concentration and the 12-month PAR of the book they make; the 围点打援 shock; and
what WeChat marketing may and may not do.

::

    county = ml.marketing.make_county(seed=0)                 # grid cells: villages, towns, a 商圈, an 产业园
    r = ml.marketing.simulate_plan({"grid": 120, "chain": 40}, seed=0, shock=True)
    r.table, r.totals["cost_per_loan"], r.totals["hhi"], r.totals["par30"], r.totals["par30_shocked"]
    ml.marketing.check_campaign(ml.marketing.Campaign(channel="微信群群发", consent=True, opt_out=False))

Every rate and cost is a 示例参数 in ``data/marketing.yaml`` (no published conversion rates or costs per
client were found; shared/domain-parts.md §5.1). The rules of the campaign check are sourced (§5.3).

Examples
--------
>>> import microloan_sim as ml
>>> round(ml.marketing.hhi([50, 30, 20]), 4)
0.38
"""
from __future__ import annotations

from ._params import KINDS, STRATEGIES, MarketingParameters, parameters
from .campaign import CHANNELS, Campaign, CampaignCheck, Finding, check_campaign
from .quiz import check_answer, quiz
from .county import CELL_TYPES, County, check_seed, funnel, hhi, make_county, split
from .plan import (
    CORE_GROUP, MARKET_GROUP, PlanResult, Reach, core_delay, days_to_target, reach, simulate_plan, village_credit,
    village_households,
)

__all__ = ["CELL_TYPES", "CHANNELS", "CORE_GROUP", "Campaign", "CampaignCheck", "County", "Finding", "KINDS",
           "MARKET_GROUP", "MarketingParameters", "PlanResult", "Reach", "STRATEGIES", "check_answer", "check_campaign", "check_seed",
           "core_delay", "days_to_target", "funnel", "hhi", "make_county", "parameters", "quiz", "reach", "simulate_plan",
           "split", "village_credit", "village_households"]
