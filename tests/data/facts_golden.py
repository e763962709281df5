"""Golden extraction cases: sentence -> expected facts (text, value, unit, hedge, period, role).

Written by hand from the sentences' meaning, across domains; values in base units (dollars,
percent points, plain counts). `None` period means no period in the sentence itself (the note
supplies one). Edit only when the expected meaning is wrong, never to match the extractor.
"""

GOLDEN = [
    # --- health policy (seed-style)
    ("The initiative generated $6.5 billion in savings.", [("$6.5 billion", "6500000000", "USD", None, None, "level")]),
    ("Net Medicare savings: $2.48 billion, a record.", [("$2.48 billion", "2480000000", "USD", None, None, "level")]),
    (
        "It now covers 10.3 million beneficiaries across nearly 480 ACOs.",
        [
            ("10.3 million", "10300000", "count", None, None, "level"),
            ("nearly 480", "480", "count", "nearly", None, "level"),
        ],
    ),
    (
        "Net per-beneficiary savings rose from $207 to $241.",
        [("$207", "207", "USD", None, "prior", "from"), ("$241", "241", "USD", None, None, "to")],
    ),
    (
        "Per capita net savings: $241 (up $34 from 2023).",
        [("$241", "241", "USD", None, "2023", "level"), ("$34", "34", "USD", None, "2023", "delta")],
    ),
    (
        "ACOs saved $5.2 billion in 2023, a notable 25% year-over-year increase.",
        [("$5.2 billion", "5200000000", "USD", None, "2023", "level"), ("25%", "25", "%", None, "2023", "level")],
    ),
    (
        "The number of MSSP ACOs has declined from a peak of 561 in 2018 to 476 in 2024.",
        [("561", "561", "count", None, "2018", "level"), ("476", "476", "count", None, "2024", "level")],
    ),
    ("Alliance for Integrated Care reported a -10.7% savings rate.", [("-10.7%", "-10.7", "%", None, None, "level")]),
    (
        "Tuality Health Plan Services experienced $12.8 million in losses.",
        [("$12.8 million", "12800000", "USD", None, None, "level")],
    ),
    (
        "The US spends $5.3 trillion on health care each year.",
        [("$5.3 trillion", "5300000000000", "USD", None, None, "level")],
    ),
    (
        "Medical care explains only 10 percent of outcomes, while 60 percent come from behaviour.",
        [("10 percent", "10", "%", None, None, "level"), ("60 percent", "60", "%", None, None, "level")],
    ),
    (
        "Depression screening reached 53.53% (ACO) vs 44.42% (non-ACO).",
        [("53.53%", "53.53", "%", None, None, "level"), ("44.42%", "44.42", "%", None, None, "level")],
    ),
    ("The plan has 12.5 million members.", [("12.5 million", "12500000", "count", None, None, "level")]),
    # --- corporate finance
    ("Acme reported revenue of $260M in FY2024.", [("$260M", "260000000", "USD", None, "FY2024", "level")]),
    ("Revenue grew to €1.2 billion in Q3 2025.", [("€1.2 billion", "1200000000", "EUR", None, "2025-Q3", "level")]),
    ("The company posted an operating margin of 18.5% for 2022.", [("18.5%", "18.5", "%", None, "2022", "level")]),
    (
        "Operating costs fell by $40 million to $310 million.",
        [
            ("$40 million", "40000000", "USD", None, None, "delta"),
            ("$310 million", "310000000", "USD", None, None, "level"),
        ],
    ),
    ("The board approved a buyback of about $2bn.", [("about $2bn", "2000000000", "USD", "about", None, "level")]),
    (
        "Analysts value the startup at more than $10 billion.",
        [("more than $10 billion", "10000000000", "USD", "more than", None, "level")],
    ),
    ("The fund manages roughly £190B in assets.", [("roughly £190B", "190000000000", "GBP", "roughly", None, "level")]),
    (
        "The deal was worth 1,200 million dollars.",
        [("1,200 million dollars", "1200000000", "USD", None, None, "level")],
    ),
    ("Seed round: $7.5k from friends and family.", [("$7.5k", "7500", "USD", None, None, "level")]),
    ("Interest rates rose 25 bps in March 2023.", [("25 bps", "0.25", "pp", None, "2023", "delta")]),
    (
        "Unemployment fell 0.3 percentage points in 2021.",
        [("0.3 percentage points", "0.3", "pp", None, "2021", "delta")],
    ),
    # --- crypto and on-chain
    ("The launch raised 11.4M SOL in one day.", [("11.4M SOL", "11400000", "SOL", None, None, "level")]),
    ("The treasury holds 1,990,000 USDC.", [("1,990,000 USDC", "1990000", "USDC", None, None, "level")]),
    (
        "Demand reached $154.9M committed, 207x oversubscribed.",
        [("$154.9M", "154900000", "USD", None, None, "level"), ("207x", "207", "x", None, None, "level")],
    ),
    ("Projects typically see 3-5x the revenue productivity.", [("3-5x", "3", "x", None, None, "level")]),
    ("Total value locked hit $3.1M+ in Q4 2025.", [("$3.1M+", "3100000", "USD", "+", "2025-Q4", "level")]),
    (
        "Protocol fees were just under $90K in 2024.",
        [("just under $90K", "90000", "USD", "just under", "2024", "level")],
    ),
    # --- technology and AI
    ("The model scored 86.4% on the benchmark in 2024.", [("86.4%", "86.4", "%", None, "2024", "level")]),
    ("ChatGPT reached 100 million weekly users.", [("100 million", "100000000", "count", None, None, "level")]),
    ("The documentation burden dropped by 73 percent.", [("73 percent", "73", "%", None, None, "delta")]),
    ("Over 4,700 developers contributed to the project.", [("Over 4,700", "4700", "count", "Over", None, "level")]),
    ("The cluster uses 10,000 GPUs.", [("10,000", "10000", "count", None, None, "level")]),
    # --- climate and energy
    (
        "Global emissions reached 37.4 billion tonnes in 2023.",
        [("37.4 billion", "37400000000", "count", None, "2023", "level")],
    ),
    ("Solar capacity grew 32% year over year in 2023.", [("32%", "32", "%", None, "2023", "delta")]),
    (
        "Germany installed roughly 14 thousand turbines.",
        [("roughly 14 thousand", "14000", "count", "roughly", None, "level")],
    ),
    (
        "Battery prices fell from $1,200 to $139 per kWh between 2010 and 2023.",
        [("$1,200", "1200", "USD", None, "prior", "from"), ("$139", "139", "USD", None, "2010", "to")],
    ),
    # --- public policy and education
    (
        "The program served 2.3 million students in FY 2022.",
        [("2.3 million", "2300000", "count", None, "FY2022", "level")],
    ),
    (
        "Nearly half of the 114 ACOs, 54 out of 114, beat their targets.",
        [
            ("114", "114", "count", None, None, "level"),
            ("54", "54", "count", None, None, "level"),
            ("114", "114", "count", None, None, "level"),
        ],
    ),
    (
        "The bill allocates $1.2 trillion over ten years.",
        [("$1.2 trillion", "1200000000000", "USD", None, None, "level")],
    ),
    (
        "Turnout was 66.6% in 2020, up from 61.4% in 2016.",
        [("66.6%", "66.6", "%", None, "2020", "level"), ("61.4%", "61.4", "%", None, "2016", "level")],
    ),
    ("Fewer than 500 schools applied.", [("Fewer than 500", "500", "count", "Fewer than", None, "level")]),
    ("About 30,000 nurses left the workforce.", [("About 30,000", "30000", "count", "About", None, "level")]),
    # --- sports and culture
    ("The franchise sold 25,000 season tickets.", [("25,000", "25000", "count", None, None, "level")]),
    ("The film grossed $1.1 billion worldwide.", [("$1.1 billion", "1100000000", "USD", None, None, "level")]),
    ("Attendance was up 12% in H1 2024.", [("12%", "12", "%", None, "2024-H1", "delta")]),
    ("Streaming accounts for 38.3% of TV viewing.", [("38.3%", "38.3", "%", None, None, "level")]),
    # --- spelled units and signs
    ("Losses totaled -$80M in the quarter.", [("-$80M", "80000000", "USD", None, None, "level")]),
    ("The fund lost $80M on media.", [("$80M", "80000000", "USD", None, None, "level")]),
    ("Profit of 7 million euros was booked in 2019.", [("7 million euros", "7000000", "EUR", None, "2019", "level")]),
    ("Shares traded at $0.83 as of March 2026.", [("$0.83", "0.83", "USD", None, "as of 2026", "level")]),
    (
        "Spending was approximately $2,700 per kilogram.",
        [("approximately $2,700", "2700", "USD", "approximately", None, "level")],
    ),
    ("The merger created 1,500 jobs in 2018.", [("1,500", "1500", "count", None, "2018", "level")]),
    ("Fares climbed 9.5% in PY2024.", [("9.5%", "9.5", "%", None, "PY2024", "delta")]),
    ("Up to 40% of the budget may be reallocated.", [("Up to 40%", "40", "%", "Up to", None, "level")]),
    ("At least 3 hospitals closed.", [("At least 3", "3", "count", "At least", None, "level")]),
    ("Wages rose 4.1% in CY2023.", [("4.1%", "4.1", "%", None, "CY2023", "delta")]),
    ("Exports hit $2.1T as of 2024.", [("$2.1T", "2100000000000", "USD", None, "as of 2024", "level")]),
    (
        "The index fell 15 points to 3,200 in 2022.",
        [("15", "15", "count", None, "2022", "delta"), ("3,200", "3200", "count", None, "2022", "level")],
    ),
    ("Memberships grew to 5,400 apps.", [("5,400", "5400", "count", None, None, "level")]),
]

# Text that looks numeric but states no quantity. Each must extract nothing.
JUNK = [
    "Wallet 14YsfUtEhdT3rDMVwTyTqDUXDQ8sbbBhP7QvFy8uKkyg received funds.",
    "Published 2025-02-10 and updated 2025-03-00.",
    "See SPL-404 and GLP-1 agonists and A1c control.",
    "It was a 3-week sprint for the 13-DAO dataset.",
    "Proposal #5 passed; see proposal 12 and version 2.1.3.",
    "He finished 8th, then 3rd, then 21st.",
    "The meeting is at 10:30 on 3/4.",
    "Read arXiv 2504.17404 and page 12 of the report.",
    "The event is on Jan 18, 2026 and Feb 3.",
    "Tier 3: Material Misrepresentation.",
    "In 2024 the program changed.",
    "(525,000 - 500,000) / 500,000 × 100 = 5%",
    "Ages 18-29 and 30-49 were surveyed.",
    "Call 555-0100 or visit room 204.",
    "```",
]
