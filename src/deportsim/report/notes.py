"""The report's method notes and known limitations, in plain words.

They come from docs/model.md and docs/validation.md, where each point is explained at length.
Keep them in step with those documents: each limitation names what is left out and what it does
to the figures.
"""

from __future__ import annotations

__all__ = ["LIMITATIONS", "METHOD", "limitations"]

#: (heading, text) pairs: how the figures are made.
METHOD: tuple[tuple[str, str], ...] = (
    (
        "What is simulated",
        "The path from arrest to booking, detention, immigration court and removal, day by day, "
        "for eight metro regions (Los Angeles, New York, Chicago, Houston, Dallas–Fort Worth, "
        "Miami, Washington DC and the rest of the US). The model counts people in aggregate; it "
        "holds no data about any individual.",
    ),
    (
        "Where the numbers come from",
        "Every input is a parameter with its unit and a published source (ICE, DHS, EOIR, the "
        "Congressional Research Service, Pew Research Center, ...), or is marked as an "
        "assumption with its reasoning and a range. All of them are listed below, with the "
        "changes each scenario makes from a date.",
    ),
    (
        "Replicates and intervals",
        "Each replicate is one run of the model with its own random daily events (who is "
        "found, how long each person stays). Charts show the median over replicates as a line "
        "and the 5th to 95th percentile as a band; the tables give the median and the same 90% "
        "interval. The same seed gives the same figures.",
    ),
    (
        "What binds",
        "Arrests are limited by the arrest target, by officers and by how hard the people "
        "sought are to find; book-ins by beds (people who find no bed are released); removals "
        "by transport and by the courts for those who contest their case.",
    ),
    (
        "How close to history",
        "Replaying fiscal years 2024 and 2025 from their first day, the model is within 10% of "
        "ICE's published arrests (+5%, +2%), book-ins (+2%, −1%), average detained population "
        "(+1%, −7%) and removals (+5%, +3%). Replayed month by month from October 2018, the "
        "detained population is within 3.3% on average out of sample (October 2024 to March "
        "2026). Details: docs/model.md and docs/validation.md.",
    ),
)

#: (heading, text) pairs: what the figures leave out, concretely.
LIMITATIONS: tuple[tuple[str, str], ...] = (
    (
        "What the bands leave out",
        "They hold day-to-day randomness and, unless the run kept its parameters fixed, the stated "
        "ranges of the uncertain parameters, drawn independently of one another. They do not "
        "hold the error of the model's structure, nor ranges the parameter files do not state. "
        "A narrow band means the answer is stable for these inputs and ranges, not that the real "
        "world is known this precisely.",
    ),
    (
        "Border flows are inputs",
        "Border book-ins, removals at the border, new court cases and new arrivals follow the "
        "parameter files and scenarios; the model does not predict them.",
    ),
    (
        "Detention in 2025 runs below ICE's figures",
        "For fiscal year 2025 the model's average detained population is 7% below ICE's: it "
        "never holds more people than the contracted beds, while ICE held more than contracted "
        "capacity in 45 of 181 facilities (TRAC, July 2025).",
    ),
    (
        "Where people are held follows beds",
        "People are held in their region of arrest until its beds are full, then moved; ICE also "
        "moves people for staging, medical care or security, so the model's transfers are a "
        "lower bound.",
    ),
    (
        "Regions share one profile",
        "Final orders, convictions and recent arrivals are spread over the metro regions by "
        "Pew's 2014 metro table, the same for every group.",
    ),
    (
        "Human consequences are expected values",
        "US-citizen children and workers affected are published shares of parents, children and "
        "workers applied to the removals; they vary only as removals do.",
    ),
    (
        "Costs are counted simply",
        "Detention is occupied bed-days times one bed rate (as ICE budgets it, GAO-18-343); paid "
        "empty beds, family beds and hold rooms are not costed separately, transfers are not "
        "costed, and dollars are nominal, as each source states them.",
    ),
    (
        "Courts treat cases alike",
        "All pending cases are served alike at the judges' pace; the detained docket is a share "
        "of judges' time, and appeals of non-detained cases take one average delay. Case types "
        "are not modelled one by one.",
    ),
    (
        "Countries are grouped",
        "Removals wait for a seat and, for a share of people, for a country that delays "
        "returns, as one average wait; country-by-country agreements are not modelled.",
    ),
    (
        "The FY2012 comparison is a rolling year",
        "Removals are counted over each past 365 days, not by fiscal year; ICE's FY2012 count "
        "(409,849) includes people arrested at the border, as the model's removals do.",
    ),
)


#: The first limitation when each replicate drew the uncertain parameters.
DRAWN = (
    "The bands include the parameters' ranges, as stated",
    "Each replicate draws the uncertain parameters from their ranges (the calibrated stays from "
    "their bootstrap), on top of day-to-day randomness. Many ranges are the modellers' "
    "judgement; parameters without a range, those set with --set, regional ones and switches "
    "set to zero stay fixed, and a scenario's dated values move with the parameter they "
    "replace. The bands are as good as those ranges; --fixed-parameters shows the randomness "
    "alone.",
)


def limitations(drawn: bool) -> tuple[tuple[str, str], ...]:
    """The known limitations of a report whose runs drew the parameters (``drawn``) or not."""
    return (DRAWN, *LIMITATIONS[1:]) if drawn else LIMITATIONS
