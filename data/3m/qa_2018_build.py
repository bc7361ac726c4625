#!/usr/bin/env python3
"""Source of the 3M FY2018 10-K multiple-choice QA set (MD&A pages 21-44), and the script that writes it.

Every question below was written by reading pages 21-44 (1-based PDF pages, form-feed separated) of
data/3m/3M_2018_10K.txt: the MD&A fourth-quarter and full-year 2018 results by business segment and
by geographic area, the 2017 geographic results, the financial-condition summary (cash flow, buybacks,
dividend, credit ratings, pension funding), results of operations (expense ratios, operating margin
bridge, Communication Markets divestiture, income taxes, currency effects), performance by business
segment, geographic supplemental information (employees, capital spending), critical accounting
estimates (pension discount rates and expense, goodwill and intangible impairment testing, income
taxes) and financial condition and liquidity (commercial paper, debt, credit facility, cash, net
debt, working capital). Each entry gives the correct answer first, then three same-type distractors
(mostly other figures from the same report: another segment, year, region or table cell), then the
evidence (a verbatim passage of that page region after whitespace normalisation, or a table row
written "label | cell | cell").

Running this script (python3 data/3m/qa_2018_build.py) calls check_qa.build_set, which:
  * checks every evidence string against the PAGE REGION only (pages 21-44), by the rule of
    check_qa.py: whitespace-normalised substring, or a table row "label | cell | ..." whose cells all
    occur within check_qa.WINDOW characters after (or PRE before) an occurrence of the label;
  * checks 4 distinct non-empty choices, valid type and section, no duplicate questions, and that
    neither the question nor the answer copies >= 12 consecutive words of the report;
  * places the correct answer at a balanced, seeded-random position 0..3 (seed SEED; each
    position must hold 15-35% of the answers), the distractors shuffled around it;
  * writes data/3m/qa_2018.jsonl (keys question, choices, answer, evidence, section, type; via a
    temp file and a rename) and prints a summary. Exits non-zero if any check fails (nothing is
    written then).

THIS FILE CONTAINS THE ANSWERS. Like qa*.jsonl it must never be read by any training-data
generator, tokenizer-corpus builder or data-prep step (see README.md).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_qa  # noqa: E402  (the checks and the writer, shared)

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "3M_2018_10K.txt")
OUT = os.path.join(HERE, "qa_2018.jsonl")
PAGES = (21, 44)  # 1-based, inclusive: pages[20:44]
SEED = 20190207  # the FY2018 10-K filing date

Q = []


def q(section, typ, question, answer, distractors, evidence):
    assert len(distractors) == 3, question
    Q.append(dict(section=section, type=typ, question=question, answer=answer,
                  distractors=list(distractors), evidence=evidence))


# Section labels
Q4 = "Item 7 MD&A - Fourth-quarter 2018 results by segment and geography"
SEG = "Item 7 MD&A - Performance by business segment (2018)"
GEO = "Item 7 MD&A - Sales by geographic area, employees and capital spending (2018, 2017)"
OPS = "Item 7 MD&A - Financial condition summary, pension and results of operations (2018)"
CAE = "Item 7 MD&A - Critical accounting estimates (2018)"
LIQ = "Item 7 MD&A - Financial condition and liquidity (2018)"
SECTIONS = {Q4, SEG, GEO, OPS, CAE, LIQ}

# ---------------------------------------------------------------- fourth quarter 2018
q(Q4, "number", "What were 3M's total company net sales in the fourth quarter of 2018?",
  "$7,945 million", ["$7,990 million", "$7,692 million", "$7,207 million"],
  "Worldwide | 3,183 $ 40.1 % 2,453 $ 30.9 % 1,577 $ 19.8 % 735 $ 9.2 % (3) $ — 7,945 100.0 %")
q(Q4, "number", "What was 3M's total company operating income in the fourth quarter of 2018?",
  "$1,783 million", ["$1,789 million", "$1,720 million", "$1,799 million"],
  "Total Company | 627 $ 2,961 345 1,565 458 1,484 396 1,405 257 1,210 (136) (3) (164) (632) 1,783 $ 7,990")
q(Q4, "percent", "What was 3M's total company operating income margin in the fourth quarter of 2018?",
  "22.4%", ["22.0%", "24.3%", "24.7%"],
  "Operating income margins were 22.4 percent, with all five business segments above 21 percent.")
q(Q4, "percent", "What was 3M's total company organic local-currency sales growth in the fourth quarter of 2018?",
  "3.0%", ["3.2%", "2.3%", "1.4%"],
  "Organic localcurrency sales | 2.5 % 3.3 4.8 4.1 1.9 3.0 %")
q(Q4, "percent", "What operating income margin did the Industrial segment post in the fourth quarter of 2018?",
  "21.2%", ["22.0%", "21.3%", "22.3%"],
  "Operating income margins were 21.2 percent, up 1.6 percentage points")
q(Q4, "percent", "How did the Safety and Graphics segment's operating income margin change year-on-year in the fourth quarter of 2018?",
  "Down 3.9 percentage points", ["Down 2.8 percentage points", "Down 1.1 percentage points", "Down 0.8 percentage points"],
  "Operating income margins were 22.0 percent, down 3.9 percentage points")
q(Q4, "percent", "What was the Health Care segment's organic local-currency sales growth in the fourth quarter of 2018?",
  "4.8%", ["4.1%", "3.3%", "2.4%"],
  "In Health Care, total sales increased 2.4 percent, or 4.8 percent on an organic local currency sales basis.")
q(Q4, "percent", "How did total sales of the energy-related businesses in Electronics and Energy change in the fourth quarter of 2018?",
  "Down 22.7%", ["Down 19.0%", "Down 13.8%", "Down 39.5%"],
  "Energy-related total sales decreased 22.7 percent, while organic sales increased 4.5 percent, driven by growth in electrical markets.")
q(Q4, "percent", "In the fourth quarter of 2018, how much of the Electronics and Energy operating margin increase was attributed to the Communication Markets Division divestiture?",
  "1.9 percentage points", ["3.5 percentage points", "1.2 percentage points", "2.8 percentage points"],
  "Operating income margins were 29.5 percent, up 3.5 percentage points, with 1.9 percentage points of this increase related to the impact of the divestiture of the Communication Markets Division.")
q(Q4, "entity", "Which Health Care business saw an organic sales decline in the fourth quarter of 2018?",
  "Drug delivery systems", ["Oral care", "Food safety", "Health information systems"],
  "Organic sales declined in drug delivery systems.")
q(Q4, "fact", "Which Safety and Graphics businesses had declining organic sales in the fourth quarter of 2018?",
  "Transportation safety and roofing granules", ["Personal safety and commercial solutions", "Personal safety and roofing granules", "Commercial solutions and transportation safety"],
  "Organic sales increased in personal safety and commercial solutions while organic sales declined in transportation safety and roofing granules.")
q(Q4, "percent", "How did 3M's total sales in Brazil change in the fourth quarter of 2018?",
  "Down 11%", ["Down 8%", "Down 7%", "Down 3%"],
  "In Brazil, total sales decreased 11 percent, as organic local-currency sales growth of 5 percent was more than offset by foreign currency translation impacts.")
q(Q4, "number", "In how many of its five business segments did 3M grow total sales in the fourth quarter of 2018?",
  "Three", ["Two", "Four", "Five"],
  "3M achieved total sales growth in three business segments and organic local-currency sales growth (which includes organic volume and selling price impacts) in all five business segments.")

# ---------------------------------------------------------------- performance by business segment, full year 2018
q(SEG, "number", "What were the Industrial segment's net sales in 2018?",
  "$12.3 billion", ["$11.9 billion", "$12.8 billion", "$11.2 billion"],
  "Sales in Industrial totaled $12.3 billion, up 3.4 percent in U.S. dollars.")
q(SEG, "number", "What operating income did the Industrial segment report for 2018?",
  "$2,737 million", ["$2,490 million", "$2,528 million", "$2,055 million"],
  "Industrial Business (37.4% of consolidated sales): | 2,737 $ 9.9 % 22.3 % 2,490 $ (1.5) % 21.0 % 2,528 22.5 %")
q(SEG, "percent", "What was the Industrial segment's operating income as a percent of sales in 2018?",
  "22.3%", ["21.0%", "22.5%", "21.4%"],
  "Industrial Business (37.4% of consolidated sales): | 2,737 $ 9.9 % 22.3 % 2,490 $ (1.5) % 21.0 % 2,528 22.5 %")
q(SEG, "percent", "By how much did acquisitions increase Safety and Graphics sales in 2018?",
  "7.3%", ["5.1%", "3.1%", "2.2%"],
  "Organic local-currency sales increased 5.1 percent, acquisitions increased sales by 7.3 percent, divestitures reduced sales by 3.1 percent")
q(SEG, "entity", "Which acquisition accounted for the acquisition-driven sales growth of Safety and Graphics in 2018?",
  "Scott Safety", ["Capital Safety", "Elution Technologies", "M*Modal"],
  "Acquisition sales growth in 2018 reflects the acquisition of Scott Safety in October 2017.")
q(SEG, "number", "What operating income did the Safety and Graphics segment report for 2018?",
  "$1,720 million", ["$2,066 million", "$1,403 million", "$1,799 million"],
  "Safety and Graphics Business (20.8% of consolidated sales): | 1,720 $ (16.7) % 25.2 % 2,066 $ 47.2 % 33.1 % 1,403 23.6 %")
q(SEG, "percent", "How did the Safety and Graphics segment's operating income margin change in full-year 2018?",
  "Down 7.9 percentage points", ["Down 3.9 percentage points", "Down 9.5 percentage points", "Down 12.6 percentage points"],
  "Operating income margins decreased 7.9 percentage points, which primarily related to the impact on operating margins from the 2017 gain on sale of the identify management and electronic monitoring businesses")
q(SEG, "entity", "Which Safety and Graphics business saw organic sales decline in full-year 2018 as shingle production slowed?",
  "Roofing granules", ["Personal safety", "Commercial solutions", "Transportation safety"],
  "Sales declined in roofing granules, as production slowed within the shingle manufacturing industry when compared to prior year.")
q(SEG, "percent", "What was the Health Care segment's operating income as a percent of sales in 2018?",
  "29.9%", ["30.1%", "30.9%", "30.2%"],
  "Health Care Business (18.4% of consolidated sales): | 1,799 $ 2.0 % 29.9 % 1,764 $ 1.9 % 30.1 % 1,731 30.9 %")
q(SEG, "entity", "Which maker of food safety test kits did 3M acquire in September 2017 (Health Care segment)?",
  "Elution Technologies", ["Scott Safety", "M*Modal", "Capital Safety"],
  "In September 2017, 3M acquired Elution Technologies, LLC, a manufacturer of food safety test kits.")
q(SEG, "percent", "By what percentage did the Electronics and Energy segment's operating income increase in 2018?",
  "49.3%", ["47.2%", "20.3%", "16.7%"],
  "Electronics and Energy Business (16.7% of consolidated sales): | 2,055 $ 49.3 % 37.6 % 1,377 $ 20.3 % 25.0 % 1,145 23.2 %")
q(SEG, "percent", "How much did the Electronics and Energy segment's operating income margin increase in full-year 2018?",
  "12.6 percentage points", ["7.9 percentage points", "9.5 percentage points", "1.8 percentage points"],
  "Operating income margins increased 12.6 percentage points, primarily driven by the Communication Markets Division divestiture gain.")
q(SEG, "number", "What operating income did the Consumer segment report for 2018?",
  "$1,027 million", ["$1,004 million", "$1,054 million", "$1,145 million"],
  "Consumer Business (14.6% of consolidated sales): | 1,027 $ 2.4 % 21.4 % 1,004 $ (4.8) % 21.2 % 1,054 23.0 %")
q(SEG, "entity", "Which Consumer business grew organic sales in full-year 2018?",
  "Home improvement", ["Stationery and office supplies", "Home care", "Consumer health care"],
  "Sales grew in home improvement, building on a track record of strong performance over the past several years.")
q(SEG, "number", "What operating loss did Corporate and Unallocated report for full-year 2018?",
  "$1,465 million", ["$395 million", "$666 million", "$136 million"],
  "Total Company | 37.4 % $ 2,737 $ 11,866 20.8 1,720 6,235 18.4 1,799 5,853 16.7 2,055 5,501 14.6 1,027 4,731 0.2 (1,465) 3 (8.1) (666) (2,532) 100.0 % $ 7,207 $ 31,657")
q(SEG, "number", "How much did the Minnesota NRD resolution, recorded in Corporate and Unallocated in the first quarter of 2018, amount to?",
  "$897 million", ["$494 million", "$762 million", "$586 million"],
  "In the first quarter of 2018, the Minnesota NRD resolution ($897 million), inclusive of legal fees and other related")
q(SEG, "number", "In how many business segments did 3M manage its operations in 2018?",
  "Five", ["Four", "Six", "Three"],
  "3M manages its operations in five business segments. The reportable segments are Industrial; Safety and Graphics; Health Care; Electronics and Energy; and Consumer.")
q(SEG, "percent", "What was 3M's total company organic local-currency sales growth for full-year 2018?",
  "3.2%", ["3.0%", "3.5%", "5.2%"],
  "Total Company | 3.2 % 5.1 2.6 3.3 1.5 3.2 %")

# ---------------------------------------------------------------- geographic areas, employees, capital spending
q(GEO, "number", "What were 3M's net sales in the United States in 2018?",
  "$12,840 million", ["$12,372 million", "$12,267 million", "$10,254 million"],
  "Net sales (millions) | $ 12,840 $ 10,254 $ 39.2 % 31.3 %")
q(GEO, "percent", "What share of 3M's worldwide sales came from the Asia Pacific area in 2018?",
  "31.3%", ["30.9%", "31.0%", "20.3%"],
  "Net sales (millions) | $ 12,840 $ 10,254 $ 39.2 % 31.3 %")
q(GEO, "percent", "What was Asia Pacific's organic local-currency sales growth in 2018?",
  "3.8%", ["3.2%", "1.7%", "4.1%"],
  "Asia Pacific | 3.5 % 0.3 3.8 0.5 (0.6) 0.8 4.5 %")
q(GEO, "percent", "How did Latin America/Canada's total sales change in U.S. dollars in 2018?",
  "Down 0.3%", ["Down 3.7%", "Up 4.1%", "Down 2.8%"],
  "Latin America/Canada | 2.1 % 2.0 4.1 0.7 (1.4) (3.7) (0.3)%")
q(GEO, "percent", "How did 3M's total sales in China/Hong Kong change in 2018?",
  "Up 10%", ["Up 8%", "Up 16%", "Down 3%"],
  "China/Hong Kong total sales increased 10 percent and organic local-currency sales increased 8 percent.")
q(GEO, "percent", "How did 3M's total sales in Japan change in 2018?",
  "Down 2%", ["Up 5%", "Up 8%", "Down 8%"],
  "In Japan, total sales and organic local currency sales decreased 2 percent.")
q(GEO, "percent", "How did 3M's total sales in Canada change in 2018?",
  "Up 5%", ["Up 8%", "Up 7%", "Up 1%"],
  "In Canada, total sales and organic local currency increased 5 percent.")
q(GEO, "percent", "How did 3M's total sales in Brazil change in full-year 2018?",
  "Down 8%", ["Down 11%", "Up 9%", "Up 5%"],
  "In Brazil, total sales decreased 8 percent, as organic local-currency sales growth of 5 percent was more than offset by foreign currency translation impacts.")
q(GEO, "percent", "By how much did China/Hong Kong organic local-currency sales grow in 2017?",
  "18%", ["16%", "8%", "10%"],
  "On an organic local-currency sales basis, China/Hong Kong grew 18 percent and Japan grew 8 percent.")
q(GEO, "percent", "What was 3M's worldwide organic local-currency sales growth in 2017?",
  "5.2%", ["3.2%", "5.1%", "5.8%"],
  "Worldwide | 5.2 % — 5.2 0.4 (1.0) 0.5 5.1 %")
q(GEO, "entity", "In 2018, which business segment's organic local-currency sales declined in the United States?",
  "Health Care", ["Consumer", "Electronics and Energy", "Safety and Graphics"],
  "Organic local-currency sales change: Industrial Safety and Graphics Health Care Electronics and Energy Consumer 3.6 % 5.4 % (0.3)% 4.6 % 3.7 %")
q(GEO, "number", "How did 3M's total employment change during 2018?",
  "An increase of 1,980 positions", ["A decrease of 48 positions", "An increase of 454 positions", "An increase of 823 positions"],
  "Employment increased 1,980 positions in 2018 and decreased by 48 positions in 2017.")
q(GEO, "number", "What was 3M's total capital spending in 2018?",
  "$1,577 million", ["$1,373 million", "$1,420 million", "$994 million"],
  "Capital Spending | $ 994 238 295 50 $ 1,577 $ 852 209 256 56 $ 1,373 $ 834 228 294 64 $ 1,420")
q(GEO, "percent", "What share of 3M's 2018 capital spending was in the United States?",
  "63%", ["67%", "70%", "57%"],
  "In 2018, 63% of 3M’s capital spending was within the United States, followed by Europe, Middle East and Africa; Asia Pacific; and Latin America/Canada.")

# ---------------------------------------------------------------- financial condition summary, pension, results of operations
q(OPS, "number", "By how much did 3M's operating cash flow in 2018 exceed that of 2017?",
  "$199 million", ["$422 million", "$176 million", "$200 million"],
  "3M generated $6.4 billion of operating cash flow in 2018, an increase of $199 million when compared to 2017.")
q(OPS, "number", "How much of its own stock did 3M repurchase in 2018?",
  "$4.9 billion", ["$2.1 billion", "$3.8 billion", "$4.0 billion"],
  "In 2018, the Company purchased $4.9 billion of its own stock, compared to purchases of $2.1 billion in 2017 and $3.8 billion in 2016.")
q(OPS, "number", "What first-quarter 2019 dividend per share did 3M's board declare in February 2019?",
  "$1.44 per share", ["$1.36 per share", "$1.40 per share", "$1.48 per share"],
  "In February 2019, 3M’s Board of Directors declared a first-quarter 2019 dividend of $1.44 per share, an increase of 6 percent.")
q(OPS, "number", "The dividend increase declared in February 2019 marked which consecutive year of dividend increases for 3M?",
  "61st", ["60th", "62nd", "65th"],
  "This marked the 61st consecutive year of dividend increases for 3M.")
q(OPS, "percent", "How well funded was 3M's primary U.S. qualified pension plan at year-end 2018?",
  "96%", ["89%", "67%", "92%"],
  "The primary U.S. qualified pension plan, which is approximately 67 percent of the worldwide pension obligation, was 96 percent funded and the international pension plans were 89 percent funded.")
q(OPS, "percent", "What was the year-end 2018 discount rate for 3M's primary U.S. qualified pension plan?",
  "4.36%", ["3.68%", "4.28%", "4.47%"],
  "The primary U.S. qualified pension plan year-end 2018 discount rate was 4.36%, up 0.68 percentage points from the year-end 2017 discount rate of 3.68%.")
q(OPS, "number", "By about how much did 3M expect its 2019 global defined benefit pension and postretirement expense to fall versus 2018?",
  "About $130 million", ["About $140 million", "About $73 million", "About $76 million"],
  "3M expects global defined benefit pension and postretirement expense in 2019 (before settlements, curtailments, special termination benefits and other) to decrease by approximately $130 million pre-tax when compared to 2018.")
q(OPS, "entity", "Where is M*Modal, whose technology business 3M acquired in February 2019, based?",
  "Pittsburgh, Pennsylvania", ["Boston, Massachusetts", "Minneapolis, Minnesota", "Cleveland, Ohio"],
  "Based in Pittsburgh, Pennsylvania, M*Modal is a leading healthcare technology provider")
q(OPS, "number", "How much net tax expense did 3M record in 2018 as TCJA measurement period adjustments?",
  "$176 million", ["$762 million", "$199 million", "$96 million"],
  "As a result of finalizing estimates related to TCJA, the Company recorded additional net charges in the amount of $176 million as measurement period adjustments in 2018.")
q(OPS, "number", "By how much did 3M's research, development and related expenses change in dollars in 2018?",
  "Down $49 million", ["Down $55 million", "Down $21 million", "Down $42 million"],
  "R&D in dollars decreased $49 million for full year 2018 when compared to the same period last year.")
q(OPS, "entity", "To which company did 3M sell substantially all of its Communication Markets Division in June 2018?",
  "Corning Incorporated", ["CommScope", "Amphenol", "TE Connectivity"],
  "In June 2018, 3M completed the sale of substantially all of its Communication Markets Division to Corning Incorporated.")
q(OPS, "number", "What pre-tax gain did 3M record on the June 2018 sale of its Communication Markets Division?",
  "$494 million", ["$586 million", "$509 million", "$897 million"],
  "This divestiture resulted in a gain on sale of $494 million.")
q(OPS, "percent", "Excluding the Minnesota NRD resolution, how did 3M's full-year 2018 operating income margin change versus 2017?",
  "Up 0.4 percentage points", ["Down 2.3 percentage points", "Up 1.0 percentage points", "Up 1.3 percentage points"],
  "operating margins increased 0.4 percentage points year-on-year for full year 2018")
q(OPS, "percent", "What was 3M's effective income tax rate for 2018?",
  "23.4%", ["35.5%", "28.3%", "21.0%"],
  "The effective tax rate for 2018 was 23.4 percent, compared to 35.5 percent in 2017, a decrease of 12.1 percentage points.")
q(OPS, "percent", "What effective tax rate did 3M estimate for 2019 in its FY2018 10-K?",
  "About 20% to 22%", ["About 18% to 20%", "About 21% to 23%", "About 23% to 25%"],
  "the Company currently estimates its effective tax rate for 2019 will be approximately 20 to 22 percent")
q(OPS, "number", "By how much did year-on-year currency effects, including hedging, reduce 3M's pre-tax income in 2018?",
  "$42 million", ["$111 million", "$92 million", "$152 million"],
  "3M estimates that year-on-year currency effects, including hedging impacts, decreased pre-tax income by $42 million and $111 million in 2018 and 2017, respectively.")

# ---------------------------------------------------------------- critical accounting estimates
q(CAE, "percent", "What weighted-average discount rate did 3M use for its international pension benefit obligation at December 31, 2018?",
  "2.50%", ["2.36%", "2.26%", "4.28%"],
  "Benefit obligation | 4.36 % 2.50 % 4.28 %")
q(CAE, "percent", "What expected long-term rate of return on assets did 3M set for 2019 for its primary U.S. qualified pension plan?",
  "7.00%", ["7.25%", "4.90%", "5.02%"],
  "For the primary U.S. qualified pension plan, the expected long-term rate of return on an annualized basis for 2019 is 7.00%, a decrease from 7.25% in 2018.")
q(CAE, "number", "What total consolidated defined benefit pre-tax pension and postretirement expense did 3M recognize for 2018?",
  "$410 million", ["$334 million", "$483 million", "$280 million"],
  "for a total consolidated defined benefit pre-tax pension and postretirement expense of $410 million, up from $334 million in 2017.")
q(CAE, "number", "What was 3M's goodwill balance at December 31, 2018?",
  "About $10.1 billion", ["About $8.7 billion", "About $2.7 billion", "About $15.3 billion"],
  "3M goodwill totaled approximately $10.1 billion as of December 31, 2018.")
q(CAE, "number", "How many primary reporting units did 3M have as of October 1, 2018, for goodwill testing?",
  "24", ["10", "18", "30"],
  "As of October 1, 2018, 3M had 24 primary reporting units, with ten reporting units accounting for approximately 89 percent of the goodwill.")
q(CAE, "percent", "What share of 3M's goodwill did its ten largest reporting units account for as of October 1, 2018?",
  "About 89%", ["About 79%", "About 96%", "About 67%"],
  "As of October 1, 2018, 3M had 24 primary reporting units, with ten reporting units accounting for approximately 89 percent of the goodwill.")
q(CAE, "entity", "Which acquired business's tradenames account for most of 3M's indefinite-lived tradenames at the end of 2018?",
  "Capital Safety", ["Scott Safety", "M*Modal", "Elution Technologies"],
  "Of the $2.7 billion in net identifiable intangible assets, $0.6 billion relates to indefinite-lived tradenames, primarily Capital Safety")
q(CAE, "number", "How much of the 2018 reduction in 3M's goodwill was associated with divestitures (substantially all the Communication Markets division)?",
  "$272 million", ["$243 million", "$305 million", "$494 million"],
  "As discussed in Note 3, 3M sold its Communication Markets division in 2018, which comprised substantially all of the $272 million reduction in goodwill associated with divestitures during 2018.")
q(CAE, "fact", "Besides legal proceedings, pension and postretirement obligations, and asset impairments, which area did 3M name among its most critical accounting estimates in the FY2018 10-K?",
  "Income taxes", ["Revenue recognition", "Inventory valuation", "Stock-based compensation"],
  "The Company believes its most critical accounting estimates relate to legal proceedings, the Company’s pension and postretirement obligations, asset impairments and income taxes.")
q(CAE, "date", "From what date was 3M's primary U.S. defined-benefit pension plan closed to new participants?",
  "January 1, 2009", ["January 1, 2018", "January 1, 2005", "January 1, 2012"],
  "The primary U.S. defined-benefit pension plan was closed to new participants effective January 1, 2009.")

# ---------------------------------------------------------------- financial condition and liquidity
q(LIQ, "number", "What is the maximum maturity from issuance allowed under 3M's commercial paper program, per the FY2018 10-K?",
  "397 days", ["365 days", "270 days", "390 days"],
  "3M’s commercial paper program permits the Company to have a maximum of $5 billion outstanding with a maximum maturity of 397 days from date of issuance.")
q(LIQ, "number", "How much commercial paper did 3M have outstanding at December 31, 2018?",
  "About $435 million", ["About $745 million", "About $243 million", "About $450 million"],
  "At December 31, 2018, there was approximately $435 million in commercial paper issued and outstanding.")
q(LIQ, "number", "How much debt did 3M issue in September 2018?",
  "$2.25 billion", ["$3.75 billion", "$1.25 billion", "$5.00 billion"],
  "Increases in debt related to September 2018 debt issuances of $2.25 billion")
q(LIQ, "number", "As of December 31, 2018, about how much debt had 3M issued under its Series F medium-term notes program in total?",
  "$15.3 billion", ["$18.0 billion", "$14.6 billion", "$9.0 billion"],
  "2014, 2015, 2016, 2017 and the 2018 debt referenced above, is approximately $15.3 billion")
q(LIQ, "date", "When does 3M's $3.75 billion five-year revolving credit facility, undrawn at the end of 2018, expire?",
  "March 2021", ["August 2019", "March 2020", "May 2021"],
  "In March 2016, 3M amended and restated its existing $2.25 billion five-year revolving credit facility expiring in August 2019 to a $3.75 billion five-year revolving credit facility expiring in March 2021.")
q(LIQ, "number", "What was 3M's EBITDA-to-interest ratio under its credit agreement at December 31, 2018?",
  "About 25 to 1", ["About 3 to 1", "About 15 to 1", "About 40 to 1"],
  "At December 31, 2018, this ratio was approximately 25 to 1.")
q(LIQ, "number", "How much of 3M's cash, cash equivalents and marketable securities was held in the United States at December 31, 2018?",
  "About $160 million", ["About $180 million", "About $243 million", "About $435 million"],
  "At December 31, 2018, 3M had $3.3 billion of cash, cash equivalents and marketable securities, of which approximately $3.1 billion was held by the Company’s foreign subsidiaries and approximately $160 million was held by the United States.")
q(LIQ, "number", "What was 3M's net debt (non-GAAP) at December 31, 2018?",
  "$11,352 million", ["$9,793 million", "$13,949 million", "$14,622 million"],
  "Net debt (non-GAAP measure) | $ 14,622 $ 3,270 11,352 $")
q(LIQ, "number", "By how much did 3M's inventory increase from December 31, 2017 to December 31, 2018?",
  "$332 million", ["$109 million", "$154 million", "$166 million"],
  "Inventory increased $332 million from December 31, 2017")


if __name__ == "__main__":
    check_qa.build_set(Q, DOC, PAGES, SECTIONS, SEED, OUT, check_qa.positions_share)
