"""三扫三进 and WeChat marketing: what a campaign may and may not do (shared/domain-parts.md §5.3).

A campaign is a channel, whether the clients consented, how often it sends, whether every message offers a
way to refuse, and a few other choices. :func:`check_campaign` lists the rules it breaks, each with its
source:

* 《银行保险机构消费者权益保护管理办法》 (CBIRC 2022-12-30, in force 2023-03-01): marketing by 电话呼叫、
  信息群发、网络推送 must offer 拒收/退订, and after a refusal the bank may not send again the same way;
* 《个人信息保护法》第十三条: processing personal information needs a legal basis such as the person's
  consent; 第二十四条: automated decisions used for pushes must offer a non-personalised option or an easy
  refusal; 第二十八条: 金融账户 information is sensitive (第二十九条: separate consent);
* 中国人民银行公告〔2021〕第3号: loan marketing shows the annualised rate;
* the bank's own cap on pushes a week (示例参数 in ``data/marketing.yaml``; no law sets a number).

Examples
--------
>>> c = check_campaign(Campaign(channel="微信群群发", consent=True, opt_out=False, pushes_per_week=1))
>>> [f.rule for f in c.findings]
['opt_out']
>>> c.findings[0].source
'《银行保险机构消费者权益保护管理办法》'
>>> check_campaign(Campaign(channel="上门走访（服务进户）", consent=True, opt_out=True, pushes_per_week=0)).ok
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError, require_number
from ._params import MarketingParameters, parameters

CONSUMER = "《银行保险机构消费者权益保护管理办法》"
PIPL = "《个人信息保护法》"
PBOC = "中国人民银行公告〔2021〕第3号"

#: channel -> is it 电话呼叫 / 信息群发 / 网络推送 (the 消保办法's opt-out rule applies)
CHANNELS = {
    "微信群群发": True,
    "朋友圈": False,
    "公众号或小程序推送": True,
    "短信群发": True,
    "电话营销": True,
    "上门走访（服务进户）": False,
    "村口宣传（宣传进村）": False,
}


@dataclass(frozen=True)
class Campaign:
    """A marketing campaign as the learner composes it."""

    channel: str
    consent: bool = False              # the clients agreed to receive it (or to join the group)
    opt_out: bool = False              # every message says how to refuse / unsubscribe
    pushes_per_week: float | str | None = 1.0   # checked when the campaign is checked
    send_after_refusal: bool = False   # keeps sending the same way to those who refused
    personalised: bool = False         # automated pushes chosen from the client's profile
    non_personalised_option: bool = False
    account_data: bool = False         # uses the client's 金融账户 data (flows, balances) to target
    separate_consent: bool = False     # separate consent for that sensitive data
    shows_annual_rate: bool = True     # the message shows the loan's annualised rate


@dataclass(frozen=True)
class Finding:
    rule: str
    problem: str
    source: str
    article: str = ""

    @property
    def citation(self) -> str:
        return f"{self.source}{self.article}"


@dataclass(frozen=True)
class CampaignCheck:
    campaign: Campaign
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def check_campaign(campaign: Campaign, params: MarketingParameters | None = None) -> CampaignCheck:
    """The rules a campaign breaks (empty when it keeps them all); bad input raises ``InputError``.

    Examples
    --------
    >>> bad = Campaign(channel="短信群发", consent=False, opt_out=True, pushes_per_week=5, personalised=True,
    ...                account_data=True)
    >>> [f.citation for f in check_campaign(bad).findings]     # the opt-out also answers 第二十四条
    ['《个人信息保护法》第十三条', '《个人信息保护法》第二十八条、第二十九条', '本行营销规定（示例参数）']
    >>> check_campaign(Campaign(channel="飞鸽传书"))
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 营销渠道：没有“飞鸽传书”这个渠道（可选：微信群群发、朋友圈、公众号或小程序推送、短信群发、电话营销、上门走访（服务进户）、村口宣传（宣传进村））
    """
    p = params or parameters()
    c = campaign
    if c.channel not in CHANNELS:
        raise InputError(f"没有“{c.channel}”这个渠道（可选：{'、'.join(CHANNELS)}）", field="营销渠道")
    per_week = require_number(c.pushes_per_week, "每周发送次数", minimum=0, maximum=100)
    messaging = CHANNELS[c.channel]
    found = []
    if not c.consent and c.channel not in ("村口宣传（宣传进村）",):
        found.append(Finding("consent", "没有取得客户同意就使用其手机号、微信等个人信息营销或把客户拉进群",
                             PIPL, "第十三条"))
    if messaging and not c.opt_out:
        found.append(Finding("opt_out", "以电话呼叫、信息群发、网络推送方式营销，没有提供拒收或退订的方式", CONSUMER))
    if messaging and c.send_after_refusal:
        found.append(Finding("after_refusal", "客户拒收或退订后，又以同样方式发送营销信息", CONSUMER))
    if c.personalised and not (c.non_personalised_option or c.opt_out):
        found.append(Finding("personalised", "按客户画像自动推送，却没有提供不针对个人特征的选项或便捷的拒绝方式",
                             PIPL, "第二十四条"))
    if c.account_data and not c.separate_consent:
        found.append(Finding("account_data", "用客户的金融账户信息（流水、余额）挑选营销对象，没有取得单独同意；"
                             "金融账户属于敏感个人信息", PIPL, "第二十八条、第二十九条"))
    if not c.shows_annual_rate:
        found.append(Finding("annual_rate", "贷款营销信息没有明示年化利率", PBOC))
    if per_week > p.campaign.max_pushes_per_week:
        found.append(Finding("frequency", f"每周发送 {per_week:g} 次，超过本行上限 {p.campaign.max_pushes_per_week:g} 次",
                             "本行营销规定（示例参数）"))
    return CampaignCheck(c, found)
