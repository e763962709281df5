"""Built-in vocabulary: what a number measures, in the words people write around it.

Concepts are general (revenue, shipments, passengers, deaths, emissions ...), each with the nouns
and verbs that state it. Words are stored as lemmas (`lemma`), so "shipped", "ships" and
"shipments" meet. A KB adds its own phrases in kb.toml (`[conflicts.aliases]`). A measure word
missing here still works: its lemma is its own concept, with lower confidence.
"""

from __future__ import annotations

import functools
import re

IRREGULAR = {
    "sold": "sell", "bought": "buy", "grew": "grow", "grown": "grow", "flew": "fly", "flown": "fly",
    "paid": "pay", "spent": "spend", "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise",
    "won": "win", "made": "make", "built": "build", "took": "take", "taken": "take", "brought": "bring",
    "lost": "lose", "held": "hold", "drew": "draw", "drawn": "draw", "saw": "see", "seen": "see",
    "people": "person", "children": "child", "women": "woman", "men": "man", "died": "die",
    "data": "data", "media": "media", "news": "news", "analysis": "analysis", "basis": "basis",
    "sales": "sale", "series": "series", "species": "species", "emissions": "emission",
    "maus": "mau", "daus": "dau", "kwh": "kwh", "gwh": "gwh", "twh": "twh",
}  # fmt: skip


@functools.lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A crude, deterministic stem: enough for "shipped"/"shipments"/"ships" and "raise"/"raised" to
    meet. A final "e" is dropped from every word, so both sides of a pair agree."""
    stem = _lemma(word)
    return stem[:-1] if len(stem) > 3 and stem.endswith("e") else stem


def _lemma(word: str) -> str:
    w = word.lower().strip("'’.")
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
        if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
        return w
    if w.endswith("ed") and len(w) > 4:
        w = w[:-2] if not w.endswith("ied") else w[:-3] + "y"
        if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
        return w
    if w.endswith("ment") and len(w) > 7:
        return w[:-4]
    return w


# concept -> (kind, words). kind: "flow" (per period: revenue in 2024), "stock" (at a moment:
# treasury at year-end), "event" (happens once: an ICO's raise, a film's budget), "rate".
# Phrases of several words are matched before single words.
CONCEPTS: dict[str, tuple[str, str]] = {
    # not "takings": its lemma is "took"'s ("Greens took 32 seats")
    "revenue": ("flow", "revenue turnover sale top-line bookings"),
    # "income" is revenue to a club and profit to an accountant ("net income", "other income")
    "income": ("flow", "income"),
    "profit": ("flow", "profit earnings net-income pat profit-after-tax pre-tax-profit ebitda ebit earned"),
    "loss": ("flow", "loss deficit shortfall writedown write-down"),
    "spending": ("flow", "spending spend expenditure outlay burn burn-rate opex cost expense"),
    "price": ("stock", "price priced trade traded-at share-price token-price closed-at"),
    "fare": ("flow", "fare ticket-price yield"),
    "valuation": ("stock", "valuation valued market-cap market-capitalisation market-capitalization fdv"),
    "raise": (
        "event",
        "raise raised raising fundraise fundraising funding funded round ico token-sale presale seed-round",
    ),
    "commitment": ("event", "commitment committed pledged oversubscribed oversubscription subscribed"),
    "volume": ("flow", "volume trading-volume traded wagered bet handle turnover-volume"),
    "shipment": ("flow", "shipment ship shipped deliver delivery sell sold unit-sold sale-volume"),
    "user": ("stock", "user mau dau monthly-active-user daily-active-user active-user account"),
    "subscriber": ("stock", "subscriber subscription paid-membership paying-member member membership"),
    "customer": ("stock", "customer client"),
    "passenger": (
        "flow",
        "passenger guest traveller traveler traffic rider ridership trip journey boarding flew carried fly",
    ),
    "death": ("flow", "death die killed fatality mortality overdose-death"),
    "case": ("flow", "case infection diagnosis"),
    "emission": ("flow", "emission emitted co2 carbon-dioxide greenhouse-gas ghg"),
    "capacity": ("stock", "capacity installed installed-capacity gw-installed"),
    "addition": ("flow", "added addition new-capacity installation installed"),
    "generation": ("flow", "generation generated output produced production"),
    "employee": ("stock", "employee staff worker headcount job workforce employ"),
    "population": ("stock", "population resident inhabitant"),
    "interest-rate": ("stock", "bank-rate interest-rate policy-rate base-rate fed-fund-rate cash-rate"),
    "inflation": ("flow", "inflation cpi consumer-price-index consumer-prices-index headline-inflation"),
    # indices that differ from headline inflation by what they include are their own measures
    "inflation-with-housing": ("flow", "cpih"),
    "core-inflation": ("flow", "core-inflation core-cpi underlying-inflation"),
    "gdp-growth": ("flow", "gdp economic-growth economy output-growth"),
    "unemployment": ("stock", "unemployment jobless-rate unemployment-rate"),
    "market-share": ("stock", "market-share share-of-the-market"),
    "gross": ("flow", "gross grossed box-office worldwide-gross domestic-gross cume"),
    "budget": ("event", "budget production-budget cost-to-make"),
    "opening": ("event", "opening opened debut debuted opening-weekend"),
    "treasury": ("stock", "treasury reserve cash cash-balance war-chest runway-cash"),
    "tvl": ("stock", "tvl total-value-locked deposit"),
    "load-factor": ("flow", "load-factor occupancy"),
    "margin": ("flow", "margin gross-margin operating-margin"),
    "saving": ("flow", "saving saved"),
    "beneficiary": ("stock", "beneficiary enrollee enrolled member-covered"),
    "payment": ("flow", "payment paid payout"),
    "vote": ("event", "vote voted"),
    "launch": ("flow", "launch launched"),
    "download": ("flow", "download installs"),
    "visit": ("flow", "visit visitor view stream footfall visitor-number attract attracted welcomed draw"),
    "churn": ("flow", "churn churn-rate attrition cancellation"),
    "turnout": ("event", "turnout voter-turnout"),
    "flight": ("flow", "flight aircraft-movement air-traffic-movement"),
    "seat": ("stock", "seat"),
    "stay": ("flow", "overnight-stay stay night guest-night bed-night"),
    "demand": ("flow", "demand peak-demand electricity-demand power-demand load"),
    "outage": ("flow", "outage power-cut blackout lose-power without-power interruption"),
    "patient": ("stock", "patient"),
    "student": ("stock", "student pupil enrolment enrollment enrolled"),
    "acceptance-rate": ("stock", "acceptance-rate admit-rate admission-rate admitted"),
    "debt": ("stock", "debt borrowing liability"),
    "dividend": ("flow", "dividend"),
    "buyback": ("event", "buyback repurchase"),
    "fleet": ("stock", "fleet aircraft vehicle-fleet vessel boat"),
    "store": ("stock", "store shop outlet branch location"),
    "charger": ("stock", "charger charging-port charging-point charging-station"),  # not "port": a harbour
    "vehicle-sale": ("flow", "registration vehicle-sold car-sold ev-sold"),
    "wage": ("stock", "wage salary pay earnings-per-hour wage-bill payroll"),
    "attendance": ("flow", "attendance crowd spectator admission cinemagoer audience"),
    "lending": ("flow", "loan lent lend lending checkout"),
    "export": ("flow", "export exported shipped-abroad overseas-sale export-sale"),
    "import": ("flow", "import imported"),
    "rent": ("stock", "rent rental"),
    "yield": ("stock", "bond-yield gilt-yield treasury-yield"),
    "temperature": ("stock", "temperature warming"),
    "precipitation": ("flow", "snow snowfall rain rainfall precipitation"),
    "spending-health": ("flow", "health-spending healthcare-spending health-expenditure national-health-expenditure"),
}

# Words that say a percentage is a change of the concept, not a level.
CHANGE_WORDS = frozenset(
    lemma(w)
    for w in (
        "growth grow rise increase up gain jump climb fall decline drop down decrease shrink cut slide plunge "
        "surge fell rose grew"
    ).split()
)
# Words that never measure anything on their own.
NOT_MEASURES = frozenset(
    lemma(w)
    for w in """million billion thousand trillion bn mn percent per cent year month week day quarter half
    time times total number amount figure level record high low about around nearly almost roughly some
    approximately over under more less than up down from to by at in of on for with the a an and or its
    their his her our this that these those which who what it they we he she there here also only just
    even still both each every all any new last next first second third previous prior same other own
    ago since after before during while when where against versus vs compared rate average mean median
    estimate estimated report reported said says according show showed shows data figures result results
    company firm group market industry sector business rest alone overall combined global worldwide
    """.split()
)

# Modifiers that split one concept into different quantities.
MODIFIER_WORDS = {
    "net": "net", "gross": "gross", "operating": "operating", "underlying": "underlying", "adjusted": "adjusted",
    "core": "core", "headline": "headline", "domestic": "domestic", "international": "international",
    "overseas": "international", "foreign": "international", "ancillary": "ancillary", "scheduled": "scheduled",
    "average": "average", "median": "median", "per-capita": "per-capita", "per-person": "per-capita",
    "per-share": "per-share", "per-head": "per-capita", "annual": "annual", "annualised": "annual",
    "annualized": "annual", "monthly": "monthly", "weekly": "weekly", "daily": "daily", "quarterly": "quarterly",
    "cumulative": "cumulative", "real": "real", "nominal": "nominal", "pre-tax": "pre-tax", "after-tax": "after-tax",
    "shared": "shared", "peak": "peak", "peaked": "peak", "minimum": "minimum", "maximum": "maximum",
    "diluted": "diluted",
    "fixed": "fixed", "variable": "variable", "disposable": "disposable", "household": "household",
}  # fmt: skip
# Modifiers that exclude each other: two facts with different members of one group differ.
MODIFIER_GROUPS = (
    frozenset({"net", "gross"}),
    frozenset({"domestic", "international"}),
    frozenset({"average", "median", "peak", "minimum", "maximum"}),
    frozenset({"per-capita", "per-share"}),
    frozenset({"annual", "monthly", "weekly", "daily", "quarterly", "cumulative"}),
    frozenset({"real", "nominal"}),
    frozenset({"pre-tax", "after-tax"}),
    frozenset({"core", "headline"}),
    frozenset({"operating", "underlying", "adjusted"}),
    frozenset({"ancillary", "scheduled"}),
)
# Modifiers whose presence on one side only means a different quantity (per-capita vs a total).
ONE_SIDED = frozenset(
    {
        "per-capita",
        "per-share",
        "core",
        "adjusted",  # "adjusted EBITDA" is written because the unadjusted figure differs
        "shared",
        "disposable",
        "household",
        "ancillary",
        "scheduled",
        "peak",
        "minimum",
        "maximum",
        "cumulative",
        "relative",
        # a rate over a window shorter than a year against a total: "monthly volume" vs "2024 volume"
        "daily",
        "weekly",
        "monthly",
    }
)

# Places and their other names; demonyms. General geography, not fitted to a data set.
PLACE_ALIASES = {
    "us": "united states", "u.s.": "united states", "u.s": "united states", "usa": "united states",
    "u.s.a.": "united states", "america": "united states", "american": "united states", "americans": "united states",
    "the united states": "united states", "uk": "united kingdom", "u.k.": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "british": "united kingdom", "english": "england", "eu": "european union",
    "european": "european union", "europe's": "europe", "german": "germany", "germans": "germany", "french": "france",
    "chinese": "china", "japanese": "japan", "indian": "india", "canadian": "canada", "australian": "australia",
    "brazilian": "brazil", "mexican": "mexico", "italian": "italy", "spanish": "spain", "dutch": "netherlands",
    "swedish": "sweden", "norwegian": "norway", "danish": "denmark", "irish": "ireland", "korean": "south korea",
    "south korean": "south korea", "russian": "russia", "polish": "poland", "turkish": "turkey", "swiss": "switzerland",
    "scottish": "scotland", "welsh": "wales", "nigerian": "nigeria", "kenyan": "kenya", "egyptian": "egypt",
    "indonesian": "indonesia", "vietnamese": "vietnam", "filipino": "philippines", "thai": "thailand",
    "argentine": "argentina", "chilean": "chile", "colombian": "colombia", "peruvian": "peru", "israeli": "israel",
    "saudi": "saudi arabia", "emirati": "united arab emirates", "uae": "united arab emirates",
    "nz": "new zealand", "prc": "china", "rok": "south korea",
}  # fmt: skip
WORLD_WORDS = frozenset({"global", "globally", "worldwide", "world", "world's", "industry-wide", "overall"})

# Company-name endings that do not tell two companies apart.
CORPORATE_SUFFIXES = frozenset(
    "inc inc. corp corp. corporation co co. company ltd ltd. limited plc llc lp sa s.a. ag nv n.v. se "
    "holdings holding group groupe gmbh bv".split()
)
# Capitalised words that start sentences or label things and never name a subject.
NOT_NAMES = frozenset(
    """the a an in on at by for of and or but as if it its this that these those there their they we
    our he she his her i you my your from to with after before during while when where which who what how
    why is are was were does do did can will should series round seed pre-seed total global worldwide overall all
    some most many few more
    less other others both each every
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today yesterday
    q1 q2 q3 q4 h1 h2 fy ceo cfo cto coo chair chairman president analyst analysts note notes source sources
    revenue sales profit traffic load fleet net gross operating final highlights outlook summary content
    key points point overview timeline update updates results result report press release table figure
    chart data research market markets company companies group shares share price prices rate rates year
    years month months quarter quarters half average median per since also however meanwhile still yet
    although though despite according said says new first second third fourth last next prior previous
    domestic international opening budget including excluding about around nearly almost over under up down
    approx approximately roughly some estimated estimates vendor vendors units unit shipments shipment
    growth inflation unemployment gdp cpi cpih usd eur gbp sol usdc usdt eth btc treasury spending
    annual quarterly monthly review newsletter accounts statement bulletin release
    """.split()
)
REPORTING_VERBS = re.compile(
    r"^\W{0,3}(?:'s\s+|’s\s+)?(?:\w+\s+){0,3}?(?:said|says|say|reported|reports|estimated|estimates|"
    r"showed|shows|show|found|finds|calculated|counted|tracked|according|noted|wrote|told|data|research|"
    r"figures|analysis|tracker|survey|preliminary)\b",
    re.I,
)
ATTRIBUTION_BEFORE = re.compile(
    r"(?:according\s+to|said|says|per|by|from|researcher|analysts?\s+at|analyst|firm|tracker|estimates\s+from|"
    r"data\s+from|report\s+by|cited\s+by|source:)\s*(?:the\s+)?(?:market\s+)?(?:researcher\s+|research\s+firm\s+|analyst\s+)?$",
    re.I,
)


def concept_index() -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    """(lemma phrase -> concept, concept -> kind), phrases as tuples of lemmas."""
    phrases: dict[tuple[str, ...], str] = {}
    kinds: dict[str, str] = {}
    for concept, (kind, words) in CONCEPTS.items():
        kinds[concept] = kind
        for word in words.split():
            key = tuple(lemma(part) for part in word.split("-"))
            phrases.setdefault(key, concept)
    return phrases, kinds


# units people write after a number, to a canonical symbol (no conversion between prefixes: "48.2 GW"
# and "48,200 MW" do not meet, which misses a conflict rather than inventing one)
PHYSICAL_UNITS = {
    "GW": "GW", "gw": "GW", "gigawatt": "GW", "gigawatts": "GW",
    "MW": "MW", "mw": "MW", "megawatt": "MW", "megawatts": "MW",
    "kW": "kW", "kw": "kW", "kilowatt": "kW", "kilowatts": "kW",
    "TWh": "TWh", "twh": "TWh", "terawatt-hours": "TWh", "terawatt hours": "TWh",
    "GWh": "GWh", "gwh": "GWh", "gigawatt-hours": "GWh", "gigawatt hours": "GWh",
    "MWh": "MWh", "mwh": "MWh", "megawatt-hours": "MWh", "megawatt hours": "MWh",
    "kWh": "kWh", "kwh": "kWh", "kilowatt-hours": "kWh", "kilowatt hours": "kWh",
    "Mt": "Mt", "mt": "Mt", "megatonnes": "Mt", "megatons": "Mt", "MtCO2": "MtCO2", "mtco2": "MtCO2",
    "tonnes": "t", "tonne": "t", "tons": "t", "ton": "t", "kg": "kg", "kilograms": "kg", "kilos": "kg",
    "km": "km", "kilometres": "km", "kilometers": "km", "miles": "mi", "mile": "mi",
    "cm": "cm", "centimetres": "cm", "centimeters": "cm", "mm": "mm", "millimetres": "mm", "millimeters": "mm",
    "metres": "m", "meters": "m", "litres": "L", "liters": "L", "gallons": "gal", "barrels": "bbl",
    "hectares": "ha", "acres": "acre",
    "minutes": "min", "minute": "min", "mins": "min", "hours": "h", "hour": "h", "hrs": "h", "days": "d",
    "weeks": "wk", "months": "mo", "years": "yr",
}  # fmt: skip
CURRENCIES = frozenset({"USD", "EUR", "GBP", "JPY"})  # the currency units a fact can carry
EARNING_VERBS = frozenset(
    lemma(w) for w in "took take takes taking brought bring brings generated generates earned earns".split()
)
DURATION_UNITS = frozenset({"min", "h", "d", "wk", "mo", "yr"})  # PHYSICAL_UNITS that are durations
# measures of things counted one by one: a number in tonnes or gigawatts is none of them
COUNTED_ONE_BY_ONE = frozenset(
    "passenger visit user subscriber customer employee student patient death case beneficiary store fleet "
    "charger download attendance shipment vehicle-sale launch".split()
)
# what a rate unit is per: "tonnes per hectare" -> t/ha
PER_WHAT = {
    "hectare": "ha", "ha": "ha", "acre": "acre", "person": "person", "capita": "person", "head": "person",
    "household": "household", "day": "d", "week": "wk", "month": "mo", "year": "yr", "hour": "h",
}  # fmt: skip

# verbs that only record a count ("recorded 5.72 million stays", "logged 5.27 million"): no other action
RECORDING_VERBS = frozenset(
    lemma(w) for w in "recorded logged counted registered reported posted tallied totalled totaled reached".split()
)
# nouns too general to key a figure on by themselves ("9M tokens", "10 projects")
GENERIC_COUNTED = frozenset({"token", "unit", "item", "thing", "share", "person", "people", "time", "project"})
