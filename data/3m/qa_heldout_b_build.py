#!/usr/bin/env python3
"""Source of held-out split B of the 3M FY2022 10-K multiple-choice QA set (PDF pages 25-48), and
the script that writes it (data/3m/qa_heldout_b.jsonl).

This is a second, independent held-out set on the FY2022 10-K, restricted to pages 25-48 (1-based
PDF pages, form-feed separated; pages[24:48] of data/3m/3M_2022_10K.txt): the end of the MD&A
overview (sales and operating income by business segment, worldwide sales change, sales by
geographic area, country sales, currency risk, share repurchases and dividend, pension funding),
results of operations (expense ratios, other expense, tax rate, unconsolidated subsidiaries,
noncontrolling interest), performance by business segment (Corporate and Unallocated, Safety and
Industrial, Transportation and Electronics, Health Care, Consumer), performance by geographic area
(employees, capital spending, net PP&E), critical accounting estimates (legal proceedings, pension
discount rates and expected returns, goodwill and long-lived asset impairment, uncertain tax
positions), financial condition and liquidity (commercial paper, total debt, LIBOR, medium-term
notes, Food Safety financing, cash, net debt, working capital, operating/investing/financing cash
flows, dividends, free cash flow), Item 7A market risk (hedging, value at risk), management's and
the auditor's reports (critical audit matters) and the consolidated statement of income.

How it was written: every question was written by reading those pages of the report and nothing
else (the report text, data/3m/README.md, check_qa.py, qa_2018_build.py as a template, and the
existing qa.jsonl / qa_heldout.jsonl to avoid asking the same facts again). It was written BLIND to
the project's training-data generator and its output (nothing under data_prep/, dev/, llmc/,
train*.cpp or results/ was opened, and no generated or synthetic text or model output was read), and
AFTER the sweep that used the first held-out split (qa_heldout.jsonl), so that this split is a
fresh, untouched test. Facts already asked by qa.jsonl or qa_heldout.jsonl (same figure for the
same line item and year) were skipped; other years, segments or regions of the same table rows are
asked instead. Questions are phrased as an analyst would ask them, in my own words. Each entry gives
the correct answer first, then three same-type, same-format distractors (mostly other figures from
the same report: another year, segment, region, GAAP vs adjusted, or another amount from the same
passage), then the evidence: a verbatim passage of the page region after whitespace normalisation,
or a table row written "label | cell | cell".

Running this script (python3 data/3m/qa_heldout_b_build.py) calls check_qa.build_set, which:
  * checks every evidence string against the PAGE REGION only (pages 25-48), by the rule of
    check_qa.py (imported, not copied): whitespace-normalised substring, or a table row
    "label | cell | ..." whose cells all occur within check_qa.WINDOW characters after (or PRE
    before) an occurrence of the label;
  * checks 4 distinct non-empty choices, valid type and section, no duplicate questions (within
    this file or against qa.jsonl, qa_heldout.jsonl and qa_2018.jsonl), and that neither the
    question nor the answer copies >= 12 consecutive words of the report;
  * places the correct answer at an exactly balanced, seeded-random position 0..3 (seed SEED),
    the distractors shuffled around it;
  * writes data/3m/qa_heldout_b.jsonl (keys question, choices, answer, evidence, section, type;
    via a temp file and a rename) and prints a summary. Exits non-zero if any check fails
    (nothing is written then).
  * `--overlaps` also lists questions sharing 8-11 consecutive words with the report (for review).

THIS FILE CONTAINS THE ANSWERS. Like qa*.jsonl it must never be read by any training-data
generator, tokenizer-corpus builder or data-prep step (see README.md); and like qa_heldout.jsonl
the file it writes is kept out of development (score it once, at the end).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_qa  # noqa: E402  (the checks and the writer, shared)
# The same strata labels as qa.jsonl / qa_heldout.jsonl. Importing qa_build only builds its lists.
from qa_build import OVR, SEG, GEO, CAE, LIQ, MKT, AUD, FS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "3M_2022_10K.txt")
OUT = os.path.join(HERE, "qa_heldout_b.jsonl")
OTHER_SETS = [os.path.join(HERE, f) for f in ("qa.jsonl", "qa_heldout.jsonl", "qa_2018.jsonl")]
PAGES = (25, 48)  # 1-based, inclusive: pages[24:48]
SEED = 20221231  # the FY2022 fiscal year end
SECTIONS = {OVR, SEG, GEO, CAE, LIQ, MKT, AUD, FS}  # those of qa_build.py that pages 25-48 cover

Q = []


def q(section, typ, question, answer, distractors, evidence):
    assert len(distractors) == 3, question
    Q.append(dict(section=section, type=typ, question=question, answer=answer,
                  distractors=list(distractors), evidence=evidence))


SI = "Safety and Industrial Business (33.9% of consolidated sales):"
TE = "Transportation and Electronics Business (26.0% of consolidated sales):"
HC = "Health Care Business (24.6% of consolidated sales):"
CO = "Consumer Business (15.5% of consolidated sales):"

# ---------------------------------------------------------------- performance by business segment
q(SEG, "number", "What net sales did 3M's Safety and Industrial segment report for 2021?",
  "$11,981 million", ["$11,604 million", "$9,262 million", "$12,115 million"],
  SI + " | 11,604 $ 11,981")
q(SEG, "percent", "What was the Safety and Industrial segment's organic sales growth in 2022?",
  "1.0%", ["1.2%", "3.2%", "-0.9%"],
  SI + " | 11,604 $ 11,981 1.0 % (4.2) (3.2 %)")
q(SEG, "percent", "What was Safety and Industrial's organic sales growth in 2021?",
  "7.3%", ["9.2%", "8.7%", "1.9%"],
  SI + " | 7.3 % 1.9 9.2 %")
q(SEG, "percent", "What was Safety and Industrial's GAAP business segment operating income as a percent of sales in 2022?",
  "10.3%", ["20.6%", "22.5%", "11.4%"],
  SI + " | 1,199 $ (51.4 %) 10.3 %")
q(SEG, "percent", "Excluding special items, what operating margin did Safety and Industrial earn in 2022 (non-GAAP)?",
  "22.5%", ["22.7%", "10.3%", "20.4%"],
  SI + " | 2,613 $ (3.7) % 22.5 %")
q(SEG, "number", "What was Safety and Industrial's adjusted (non-GAAP) business segment operating income for 2021?",
  "$2,715 million", ["$2,613 million", "$2,466 million", "$2,037 million"],
  SI + " | 2,613 $ (3.7) % 22.5 % 2,715 (2.8) % 22.7 %")
q(SEG, "entity", "During the Aearo chapter 11 period, in which reporting line do 3M's costs for non-Aearo respirator mask/asbestos matters stay as special items?",
  "The Safety and Industrial segment", ["Corporate and Unallocated", "The Transportation and Electronics segment", "The Health Care segment"],
  "while those associated with non-Aearo respirator mask/asbestos matters continue to be reflected as special items in the Safety and Industrial business segment.")
q(SEG, "number", "What net sales did the Transportation and Electronics segment report for 2021?",
  "$9,262 million", ["$8,902 million", "$8,597 million", "$9,826 million"],
  TE + " | 8,902 | 9,262")
q(SEG, "number", "What GAAP operating income did Transportation and Electronics report for 2021?",
  "$1,880 million", ["$1,812 million", "$1,012 million", "$2,037 million"],
  TE + " | 1,012 $ (46.2) % 11.4 % 1,880 10.6 % 20.3 %")
q(SEG, "number", "Adjusted for special items, what was Transportation and Electronics' 2022 business segment operating income (non-GAAP)?",
  "$1,812 million", ["$1,880 million", "$1,012 million", "$1,815 million"],
  TE + " | 1,812 $ (3.6) % 20.4 %")
q(SEG, "percent", "What was Transportation and Electronics' GAAP operating income as a percent of sales in 2022?",
  "11.4%", ["20.4%", "20.3%", "10.3%"],
  TE + " | 1,012 $ (46.2) % 11.4 %")
q(SEG, "fact", "Excluding the PFAS manufacturing exit costs, how did Transportation and Electronics' operating margin move in 2022?",
  "It rose year-on-year", ["It fell year-on-year", "It was unchanged", "It turned negative"],
  "Adjusting for special item PFAS manufacturing exit costs (non-GAAP measure), business segment operating income margins increased year-on-year as displayed above.")
q(SEG, "fact", "What mainly held back Transportation and Electronics' organic growth in 2022?",
  "Weak consumer electronics demand and chip-supply limits on auto markets",
  ["Lower data center demand and reduced advertising spend", "The Aearo deconsolidation and the exit from Russia", "Falling aerospace build rates and higher freight costs"],
  "Growth was held back by weaker consumer electronics end-market demand and ongoing impacts of semiconductor supply chain constraints on automotive markets.")
q(SEG, "percent", "What was the Health Care segment's operating income margin in 2022?",
  "21.6%", ["23.7%", "18.8%", "22.5%"],
  HC + " | 1,815 $ (10.9) % 21.6 %")
q(SEG, "number", "What operating income did the Health Care segment report for 2021?",
  "$2,037 million", ["$1,815 million", "$1,880 million", "$2,466 million"],
  HC + " | 8,597 10.2 (2.0) 1.6 9.8 % % 2,037 22.5 % 23.7 %")
q(SEG, "percent", "What was Health Care's organic sales growth in 2021?",
  "10.2%", ["9.8%", "8.7%", "3.2%"],
  HC + " | 8,597 10.2 (2.0) 1.6 9.8")
q(SEG, "percent", "How much did divestitures (the Food Safety split-off) change Health Care's 2022 sales?",
  "-1.4%", ["-2.0%", "-0.5%", "-3.8%"],
  HC + " | 8,421 3.2 (1.4) (3.8) (2.0)")
q(SEG, "percent", "What was the Consumer segment's operating income as a percent of sales in 2022?",
  "18.8%", ["21.1%", "21.6%", "15.5%"],
  CO + " | 5,298 (0.9) (0.4) (2.6) (3.9) (14.4) 18.8")
q(SEG, "number", "What operating income did the Consumer segment report for 2021?",
  "$1,162 million", ["$994 million", "$1,199 million", "$1,054 million"],
  CO + " | 5,513 9.8 — 1.0 10.8 % % 1,162 3.8 % 21.1 %")
q(SEG, "entity", "Which Consumer business had flat organic sales in 2022?",
  "Consumer health and safety", ["Home care", "Stationery and office", "Home improvement"],
  "Sales increased in stationery and office and home care, was flat in consumer health and safety, and decreased in home improvement.")
q(SEG, "fact", "What did 3M blame for softer trends in its Consumer retail business in 2022?",
  "Consumers cutting discretionary spending and retailers reducing inventories",
  ["Lapping pandemic-era demand for respirators", "Lost sales from the floor products divestiture", "Price cuts forced by private-label competition"],
  "Growth was impacted by softening trends in the Consumer retail business as consumers pulled back on discretionary spending and retailers took actions to reduce their inventories.")
q(SEG, "number", "What operating income (loss) did Corporate and Unallocated report for 2021?",
  "-$176 million", ["$1,519 million", "-$91 million", "-$282 million"],
  "Corporate and Unallocated | 2,466 1,880 2,037 1,162 (176)")
q(SEG, "entity", "Which business segment's 2022 sales were hit hardest by currency translation?",
  "Transportation and Electronics", ["Safety and Industrial", "Health Care", "Consumer"],
  "Translation | (4.2) % (4.6) (3.8) (2.6) (3.9)")
q(SEG, "fact", "What was the main reason Corporate special item net costs fell in 2022?",
  "The gain on the Food Safety split-off", ["Lower Combat Arms Earplugs litigation costs", "Lower Russia exit costs", "The Brazilian social-tax court decision"],
  "Corporate special item net costs decreased in 2022 year over year primarily due to the gain on divestiture associated with the 2022 split-off of the Food Safety business")

# ---------------------------------------------------------------- performance by geographic area
q(GEO, "percent", "What share of 3M's 2022 worldwide sales came from Asia Pacific?",
  "28.9%", ["30.0%", "17.3%", "26.0%"],
  "Asia Pacific | 18,400 $ 53.8 % 9,901 $ 28.9 %")
q(GEO, "percent", "What share of 3M's 2022 worldwide sales came from Europe, Middle East and Africa?",
  "17.3%", ["18.8%", "28.9%", "15.5%"],
  "Europe, Middle East & Africa | 9,901 $ 28.9 % 5,928 $ 17.3 %")
q(GEO, "percent", "What was 3M's organic sales growth in the Americas in 2022?",
  "2.6%", ["1.7%", "1.2%", "0.3%"],
  "Americas | 2.6 (0.6) (0.3) 1.7 %")
q(GEO, "percent", "By how much did 3M's Asia Pacific net sales change in 2022 (total, in U.S. dollars)?",
  "-6.6%", ["-6.5%", "-11.0%", "-3.2%"],
  "Asia Pacific | 0.3 (0.4) (6.5) (6.6) %")
q(GEO, "percent", "What was 3M's organic sales growth in Europe, Middle East and Africa in 2022?",
  "-0.6%", ["+0.3%", "-0.9%", "+2.6%"],
  "Europe, Middle East & Africa | (0.6) (0.6) (9.8) (11.0) %")
q(GEO, "entity", "Which of 3M's geographic areas had the steepest decline in net sales in 2022?",
  "Europe, Middle East and Africa", ["Asia Pacific", "Americas", "Latin America and Canada"],
  "Europe, Middle East & Africa | 0.3 (0.4) (6.5) (6.6) % (0.6) (0.6) (9.8) (11.0) %")
q(GEO, "number", "What were 3M's net sales in the Americas in 2021?",
  "$18,097 million", ["$18,400 million", "$10,600 million", "$17,837 million"],
  "Americas | 18,097 $ 51.2 %")
q(GEO, "percent", "What organic sales growth did 3M's Asia Pacific area post in 2021?",
  "8.5%", ["9.8%", "6.3%", "10.8%"],
  "Asia Pacific | 10,600 $ 30.0 % | 8.5 — 2.3 10.8 %")
q(GEO, "percent", "What was 3M's worldwide organic sales growth in 2021?",
  "8.8%", ["9.9%", "9.8%", "1.2%"],
  "Worldwide | 35,355 100.0 % 8.8 (0.5) 1.6 9.9 %")
q(GEO, "percent", "What was 3M's organic sales growth in Mexico in 2022?",
  "12 percent", ["8 percent", "16 percent", "13 percent"],
  "Total sales in Mexico increased 8 percent which included increased organic sales of 12 percent.")
q(GEO, "percent", "By how much did 3M's total sales in Canada grow in 2022?",
  "9 percent", ["13 percent", "18 percent", "8 percent"],
  "In Canada, total sales increased 9 percent which included increased organic sales of 13 percent.")
q(GEO, "percent", "How did 3M's organic sales in China change in 2022?",
  "Down 3 percent", ["Down 6 percent", "Up 2 percent", "Up 11 percent"],
  "China total sales decreased 6 percent which included decreased organic sales of 3 percent.")
q(GEO, "percent", "How did 3M's organic sales in Japan change in 2022?",
  "Up 2 percent", ["Down 12 percent", "Down 3 percent", "Flat"],
  "In Japan, total sales decreased 12 percent which included increased organic sales of 2 percent.")
q(GEO, "percent", "What organic sales growth did 3M achieve in Brazil in 2021?",
  "22 percent", ["18 percent", "16 percent", "12 percent"],
  "In Brazil, total sales increased 18 percent which included increased organic sales of 22 percent.")
q(GEO, "number", "About how many people did 3M employ in Asia Pacific at December 31, 2022?",
  "18,000", ["20,000", "21,000", "54,000"],
  "Asia Pacific | 54,000 18,000 20,000 92,000")
q(GEO, "number", "How much capital spending did 3M make in Europe, Middle East and Africa in 2022?",
  "$246 million", ["$341 million", "$182 million", "$216 million"],
  "Europe, Middle East and Africa | 1,321 $ 182 246 1,749 $")
q(GEO, "number", "What was 3M's net property, plant and equipment in Asia Pacific at December 31, 2022?",
  "$1,389 million", ["$1,582 million", "$1,723 million", "$1,983 million"],
  "Asia Pacific | 6,066 $ 1,389 1,723 9,178 $")
q(GEO, "fact", "In 3M's geographic data, where are export sales generally reported?",
  "In the area where the final sale to the 3M customer is made",
  ["In the area of the producing plant", "In the area of the end user's consumption", "In Other Unallocated"],
  "Export sales are generally reported within the geographic area where the final sales to 3M customers are made.")

# ---------------------------------------------------------------- overview and results of operations
q(OVR, "percent", "What was 3M's operating income margin in 2021?",
  "20.8%", ["19.1%", "20.4%", "22.2%"],
  "Operating income margin | 0.8 19.1 % | 5.6 — — 20.8 %")
q(OVR, "percent", "What were 3M's SG&A expenses as a percent of net sales in 2021?",
  "20.4%", ["26.5%", "20.8%", "21.2%"],
  "Selling, general and administrative expenses (SG&A) | 56.2 % 26.5 5.4 | 53.2 % 20.4 5.6")
q(OVR, "percent", "What was 3M's cost of sales as a percent of net sales in 2021?",
  "53.2%", ["56.2%", "51.6%", "54.0%"],
  "Cost of sales | 2021 56.2 % | Change 53.2 %")
q(OVR, "date", "In which quarter of 2022 did 3M book its roughly $1.2 billion pre-tax charge tied to steps toward resolving the Combat Arms Earplugs litigation?",
  "Second quarter", ["First quarter", "Third quarter", "Fourth quarter"],
  "resulting in a 2022 second quarter pre-tax charge of approximately $1.2 billion")
q(OVR, "number", "What income from unconsolidated subsidiaries, net of taxes, did 3M report for 2022?",
  "$11 million", ["$10 million", "$14 million", "$5 million"],
  "Income (loss) from unconsolidated subsidiaries, net of taxes | 11 $ 10")
q(OVR, "number", "What net income was attributable to noncontrolling interest in 2021?",
  "$8 million", ["$14 million", "$4 million", "$10 million"],
  "Net income (loss) attributable to noncontrolling interest | 14 $ 8")
q(OVR, "number", "By how much did 3M's non-service pension and postretirement net benefit increase in 2021?",
  "$163 million", ["$49 million", "$248 million", "$125 million"],
  "The non-service pension and postretirement net benefit decreased $49 million and increased $163 million in 2022 and 2021, respectively.")
q(OVR, "fact", "What drove the decline in 3M's net interest expense in 2022?",
  "Debt maturities and interest income on invested cash",
  ["Early debt extinguishment actions taken in 2022", "New interest rate swaps on its 2049 and 2050 notes", "Lower commercial paper borrowing rates"],
  "Interest expense (net of interest income) decreased in 2022 compared to the same period year-on-year driven by debt maturities in the ordinary course and interest income on invested cash.")
q(OVR, "number", "Over what horizons does 3M hedge part of its aggregate exposure in the more liquid currencies?",
  "12, 24 or 36 months", ["6, 12 or 18 months", "3, 6 or 12 months", "24, 36 or 60 months"],
  "In the case of more liquid currencies, 3M hedges a portion of its aggregate exposure, using a 12, 24 or 36 month horizon, depending on the currency in question.")

# ---------------------------------------------------------------- critical accounting estimates (and pension overview)
q(CAE, "number", "What non-service pension and postretirement net benefit does 3M anticipate for 2023?",
  "About $125 million", ["About $248 million", "About $270 million", "About $30 million"],
  "non-service pension and postretirement net benefit costs is anticipated to be a benefit of approximately $125 million")
q(CAE, "fact", "Why does 3M not fund its U.S. non-qualified pension plan?",
  "Because of tax considerations and other factors",
  ["Because the plan was closed to new participants", "Because it is fully insured by annuities", "Because it was terminated in 2022"],
  "The U.S. non-qualified pension plan is not funded due to tax considerations and other factors.")
q(CAE, "fact", "What minimum cash pension contribution must 3M make to its U.S. plans in 2023?",
  "No required minimum contribution", ["A required minimum of about $100 million", "A required minimum of $100 million to $200 million", "A required minimum of about $30 million"],
  "The Company does not have a required minimum cash pension contribution obligation for its U.S. plans in 2023.")
q(CAE, "percent", "What discount rate did 3M use for the 2023 service cost of its U.S. qualified pension plan?",
  "5.27%", ["5.11%", "5.18%", "4.06%"],
  "Service cost | 5.27 % 5.11 % 4.06 % 4.39 % 5.26")
q(CAE, "percent", "What weighted-average discount rate did 3M apply to its international pension benefit obligation at December 31, 2022?",
  "4.39%", ["4.06%", "5.18%", "4.61%"],
  "International Pension (weighted average) | 5.18 % 4.39 % 5.13 %")
q(CAE, "percent", "What weighted-average expected return on assets had 3M assumed for its international pension plans for 2022?",
  "3.86%", ["4.61%", "4.39%", "6.00%"],
  "The weighted average expected return for the international pension plans is 4.61% for 2023 compared to 3.86% for 2022.")
q(CAE, "number", "How much non-service pension and postretirement net benefit did 3M recognize in 2022?",
  "$248 million", ["$426 million", "$178 million", "$163 million"],
  "a benefit of $248 million related to all non-service pension and postretirement net benefit costs")
q(CAE, "number", "What total defined benefit pension and postretirement expense (pre-tax, consolidated) did 3M record in 2021?",
  "$206 million", ["$178 million", "$248 million", "$145 million"],
  "for a total consolidated defined benefit pre-tax pension and postretirement expense of $178 million, down from $206 million in 2021.")
q(CAE, "number", "Roughly how much defined benefit service cost expense does 3M expect for 2023?",
  "About $270 million", ["About $426 million", "About $125 million", "About $145 million"],
  "In 2023, defined benefit pension and postretirement service cost expense is anticipated to total approximately $270 million")
q(CAE, "fact", "How does 3M measure pension service cost and interest cost?",
  "With the spot yield curve approach", ["With a single weighted-average discount rate", "With the Treasury yield plus a fixed spread", "With the expected return on plan assets"],
  "Service cost and interest cost are measured separately using the spot yield curve approach applied to each corresponding obligation.")
q(CAE, "fact", "How does 3M primarily estimate a reporting unit's fair value for goodwill testing?",
  "A market approach using comparable-company EBITDA multiples",
  ["Discounted cash flows for every reporting unit", "Replacement cost of the unit's assets", "Book value of the unit's net assets"],
  "The estimated fair value of a reporting unit is determined based on a market approach using comparable company information such as EBITDA (earnings before interest, taxes, depreciation and amortization) multiples.")
q(CAE, "entity", "Besides Advanced Materials, which reporting unit did 3M test for impairment after its December 2022 PFAS exit decision?",
  "Electronics Materials Solutions", ["Display Materials and Systems", "Industrial Adhesives and Tapes", "Separation and Purification Sciences"],
  "3M tested the Advanced Materials and Electronics Materials Solutions reporting units (within the Transportation and Electronics business) for impairment")
q(CAE, "entity", "Which of these divisions was among the ten reporting units holding about 94% of 3M's goodwill as of October 1, 2022?",
  "Oral Care", ["Food Safety", "Abrasives", "Home Improvement"],
  "Health Information Systems, Industrial Adhesives and Tapes, Medical Solutions, Oral Care, Personal Safety, Separation and Purification Sciences, and Transportation Safety.")
q(CAE, "fact", "How were fair values mainly determined for 3M's December 2022 long-lived asset impairment tied to the PFAS exit?",
  "Discounted cash flow models", ["Comparable-company EBITDA multiples", "Third-party appraisals of replacement cost", "Quoted prices in active markets"],
  "Underlying fair values were determined primarily using discounted cash flow models.")
q(CAE, "entity", "Under which accounting standard does 3M accrue liabilities for probable and reasonably estimable legal claims?",
  "ASC 450, Contingencies", ["ASC 740, Income Taxes", "ASC 360, Property, Plant and Equipment", "ASC 842, Leases"],
  "The Company accrues an estimated liability for legal proceeding claims that are both probable and reasonably estimable in accordance with Accounting Standard Codification (ASC) 450, Contingencies.")
q(CAE, "date", "When in the year does 3M run its annual goodwill impairment test?",
  "In the fourth quarter", ["In the first quarter", "In the second quarter", "In the third quarter"],
  "Goodwill is tested for impairment annually in the fourth quarter of each year")

# ---------------------------------------------------------------- financial condition, liquidity and cash flows
q(LIQ, "date", "Which earlier share repurchase program did 3M's November 2018 authorization replace?",
  "The February 2016 program", ["The February 2014 program", "The November 2016 program", "The May 2018 program"],
  "In November 2018, 3M’s Board of Directors replaced the Company’s February 2016 repurchase program with a new repurchase program.")
q(LIQ, "date", "Through what date are the remaining USD LIBOR settings to be published?",
  "June 30, 2023", ["December 31, 2021", "June 30, 2022", "December 31, 2023"],
  "USD LIBOR rates that did not cease on December 31, 2021 will continue to be published through June 30, 2023.")
q(LIQ, "number", "Before its May 2016 increase, what was the aggregate principal cap of 3M's Series F medium-term notes program?",
  "$9 billion", ["$18 billion", "$5 billion", "$12 billion"],
  "up to the aggregate principal amount of $18 billion, which was an increase from the previous aggregate principal amount up to $9 billion of the same Series.")
q(LIQ, "date", "When did 3M amend and restate the distribution agreement that raised its Series F medium-term notes capacity to $18 billion?",
  "May 2016", ["February 2017", "February 2020", "November 2018"],
  "In May 2016, in connection with the WKSI shelf, 3M entered into an amended and restated distribution agreement")
q(LIQ, "number", "How large were the term loan and bridge financing commitments tied to the Food Safety split-off with Neogen?",
  "$1.0 billion in aggregate", ["$0.8 billion in aggregate", "$1.5 billion in aggregate", "$2.0 billion in aggregate"],
  "3M had debt financing facilities providing commitments for term loans and potential bridge financing aggregating $1.0 billion")
q(LIQ, "number", "How much of 3M's cash, cash equivalents and marketable securities was held in the United States at December 31, 2022?",
  "About $1.2 billion", ["About $1.7 billion", "About $2.7 billion", "About $3.1 billion"],
  "approximately $1.2 billion was held in the United States")
q(LIQ, "number", "How much cash, cash equivalents and marketable securities did 3M hold at December 31, 2021?",
  "$4.8 billion", ["$3.9 billion", "$4.2 billion", "$5.1 billion"],
  "At December 31, 2021, 3M had $4.8 billion of cash, cash equivalents and marketable securities")
q(LIQ, "number", "What was 3M's net debt (non-GAAP) at December 31, 2021?",
  "$12,571 million", ["$12,023 million", "$13,160 million", "$17,363 million"],
  "Net debt (non-GAAP measure) | 12,023 $ $ Change 17,363 $ 4,792 12,571 $")
q(LIQ, "number", "What was 3M's working capital (non-GAAP) at December 31, 2021?",
  "$6,368 million", ["$5,165 million", "$6,116 million", "$7,186 million"],
  "Working capital (non-GAAP measure) | 15,403 $ 9,035 6,368 $")
q(LIQ, "number", "By how much did changes in receivables, inventories and payables together reduce 3M's operating cash flow in 2022?",
  "$623 million", ["$507 million", "$629 million", "$387 million"],
  "The combination of accounts receivable, inventories and accounts payable decreased operating cash flow by $623 million in 2022")
q(LIQ, "number", "How much did 3M contribute to its pension and postretirement plans in 2022, per the MD&A operating cash flow table?",
  "$158 million", ["$180 million", "$178 million", "$263 million"],
  "Company pension and postretirement contributions | 271 (158) 178 263 | — — (180) 206 274")
q(LIQ, "number", "What was 3M's net cash provided by operating activities in 2021?",
  "$7,454 million", ["$5,591 million", "$5,851 million", "$5,929 million"],
  "Net cash provided by (used in) operating activities | 5,591 $ $ 5,929 1,915 | 7,454")
q(LIQ, "number", "What was 3M's net cash used in investing activities in 2022?",
  "$1,046 million", ["$1,317 million", "$1,749 million", "$1,603 million"],
  "Net cash provided by (used in) investing activities | (1,749) $ | (1,046) $ | (1,317)")
q(LIQ, "number", "What was the net change in 3M's short-term debt in 2022, per its financing cash flows?",
  "An inflow of $340 million", ["An outflow of $2 million", "An inflow of $381 million", "An outflow of $838 million"],
  "Change in short-term debt — net | 340 $ (1,179) 1 (838)")
q(LIQ, "number", "How much did 3M receive from issuing treasury stock under its stock option and benefit plans in 2022?",
  "$381 million", ["$639 million", "$340 million", "$478 million"],
  "Proceeds from issuances of treasury stock pursuant to stock option and benefit plans | (1,464) 381 (3,369)")
q(LIQ, "number", "How much did 3M pay in dividends to shareholders in 2021?",
  "$3,420 million", ["$3,369 million", "$3,388 million", "$2,199 million"],
  "Dividends paid to shareholders | (2,199) 639 (3,420)")
q(LIQ, "number", "What was 3M's free cash flow (non-GAAP) in 2021?",
  "$5,851 million", ["$3,842 million", "$7,454 million", "$5,921 million"],
  "Free cash flow | 3,842 | 7,454 (1,603) 5,851 5,921 99 %")
q(LIQ, "percent", "What was 3M's free cash flow conversion in 2021?",
  "99%", ["66%", "104%", "93%"],
  "Free cash flow conversion | 5,777 $ 66 % 7,454 (1,603) 5,851 5,921 99 %")
q(LIQ, "fact", "How does 3M define free cash flow conversion?",
  "Free cash flow divided by net income attributable to 3M",
  ["Free cash flow divided by net sales", "Operating cash flow divided by net income attributable to 3M", "Free cash flow divided by EBITDA"],
  "The Company defines free cash flow conversion as free cash flow divided by net income attributable to 3M.")
q(LIQ, "fact", "Which statement describes 3M's use of derivative instruments linked to its own stock?",
  "It does not use any", ["It uses forwards for accelerated share repurchases", "It uses equity collars on its repurchases", "It buys call options to offset dilution"],
  "The Company does not utilize derivative instruments linked to the Company’s stock.")

# ---------------------------------------------------------------- Item 7A market risk
q(MKT, "number", "In 3M's value-at-risk analysis, what adverse impact on 2022 after-tax earnings came from interest rates?",
  "$18 million", ["$2 million", "$5 million", "$21 million"],
  "Interest rates | (315) $ (18) (5)")
q(MKT, "number", "In 3M's value-at-risk analysis, what was the adverse after-tax earnings impact from foreign exchange rates for 2021?",
  "$140 million", ["$315 million", "$147 million", "$314 million"],
  "Foreign exchange rates | (315) $ (18) (5) Positive impact on after-tax earnings 2022 2021 (140) $")
q(MKT, "number", "In 3M's value-at-risk analysis, what adverse impact on 2022 after-tax earnings came from commodity prices?",
  "$5 million", ["$21 million", "$7 million", "$18 million"],
  "Commodity prices | (315) $ (18) (5)")
q(MKT, "number", "Over what time horizon did 3M's Monte Carlo value-at-risk model measure earnings impacts?",
  "12 months", ["1 day", "10 days", "3 months"],
  "The model (third-party bank dataset) used a 95 percent confidence level over a 12-month time horizon.")
q(MKT, "fact", "How does 3M manage commodity price risk?",
  "Through negotiated supply contracts and price protection agreements",
  ["Through exchange-traded commodity futures", "Through commodity swaps designated as cash flow hedges", "It leaves commodity price risk unhedged"],
  "The Company manages commodity price risks through negotiated supply contracts and price protection agreements.")

# ---------------------------------------------------------------- management's and auditor's reports
q(AUD, "fact", "What did 3M obtain from the IRS in support of the tax-free treatment of the Food Safety split-off?",
  "A favorable private letter ruling", ["A closing agreement", "A technical advice memorandum", "An advance pricing agreement"],
  "obtained a favorable private letter ruling from the Internal Revenue Service")
q(AUD, "fact", "When a probable legal loss is estimated as a range with no best estimate, what does 3M accrue?",
  "The low end of the range", ["The midpoint of the range", "The high end of the range", "Nothing until the matter settles"],
  "Where the reasonable estimate of the probable loss is a range, management records as an accrual in its financial statements the most likely estimate of the loss, or the low end of the range if there is no one best estimate.")
q(AUD, "entity", "According to management's responsibility statement, who continually reviews 3M's accounting and control system?",
  "Internal auditors", ["The Audit Committee", "PricewaterhouseCoopers", "The Finance Committee"],
  "Internal auditors continually review the accounting and control system.")

# ---------------------------------------------------------------- consolidated statement of income
q(FS, "number", "What were 3M's diluted earnings per share in 2021?",
  "$10.12", ["$10.23", "$10.18", "$9.36"],
  "Earnings per share attributable to 3M common shareholders — diluted | 567.6 10.18 $ 585.3 10.12")
q(FS, "number", "What weighted average number of basic 3M common shares was outstanding in 2022?",
  "566.0 million", ["567.6 million", "579.0 million", "585.3 million"],
  "Weighted average 3M common shares outstanding — basic | 566.0 10.21")
q(FS, "number", "What was 3M's provision for income taxes in 2021?",
  "$1,285 million", ["$612 million", "$1,337 million", "$1,204 million"],
  "Provision for income taxes | 6,392 612 5,780 7,204 1,285 5,919")
q(FS, "number", "What were 3M's total operating expenses in 2022?",
  "$27,690 million", ["$27,986 million", "$25,023 million", "$28,229 million"],
  "Total operating expenses | 27,690 6,539 18,795 7,197 1,994 — — 27,986")
q(FS, "number", "What operating income did 3M report for 2021?",
  "$7,369 million", ["$6,539 million", "$7,161 million", "$7,204 million"],
  "Operating income | 27,690 6,539 18,795 7,197 1,994 — — 27,986 7,369 16,605 6,929 1,878 (389) — 25,023 7,161")


if __name__ == "__main__":
    check_qa.build_set(Q, DOC, PAGES, SECTIONS, SEED, OUT, check_qa.positions_within_one,
                       other_sets=OTHER_SETS, overlaps="--overlaps" in sys.argv)
