#!/usr/bin/env python3
"""Source of held-out split D of the 3M FY2022 10-K multiple-choice QA set (PDF pages 25-48), and
the script that writes it (data/3m/qa_heldout_d.jsonl).

This is a fourth, independent held-out set on the FY2022 10-K, restricted to the same pages as splits
B and C, pages 25-48 (1-based PDF pages, form-feed separated; pages[24:48] of
data/3m/3M_2022_10K.txt): the end of the MD&A overview (sales and operating income by business
segment, worldwide sales change by segment, sales by geographic area, country sales, managing
currency risks, pension funding), results of operations (operating expense ratios, cost of sales,
SG&A, non-service pension benefit, income from unconsolidated subsidiaries), performance by
business segment (Corporate and Unallocated, Safety and Industrial, Transportation and Electronics,
Health Care, Consumer: sales change analyses, GAAP and adjusted operating income and margins,
drivers of growth and margins), performance by geographic area (employees, capital spending, net
PP&E), critical accounting estimates (pension discount rates and expected returns, goodwill and
long-lived asset impairment, uncertain tax positions), financial condition and liquidity (cash
held abroad, LIBOR, shelf registration and Series F notes, net debt, working capital, operating /
investing / financing cash flows, capital spending categories, marketable securities, free cash
flow, purchase obligations), Item 7A market risk (credit risk of counterparties, hedge designation,
interest rate risk, value at risk, purchased-materials exposure), management's reports and the
auditor's report (critical audit matters) and the consolidated statement of income.

How it was written: on 2026-12-07, by a writer who read only the report and the question files:
every question was written by reading those pages of the report and nothing else (the report text,
data/3m/README.md, check_qa.py, qa_heldout_c_build.py as a template, and the existing qa.jsonl /
qa_heldout.jsonl / qa_heldout_b.jsonl / qa_heldout_c.jsonl / qa_2018.jsonl to avoid asking the same
facts or questions again). It was written BLIND to the project's training-data generator and its
output (no synthetic or generated text, nothing under data_prep/, runs/, out/, results/ or dev/, and
no model output or model answers were read). Facts already asked by qa.jsonl, qa_heldout.jsonl,
qa_heldout_b.jsonl or qa_heldout_c.jsonl were skipped; where a table row had been asked, another
year, segment, region or column of it is asked instead. Questions are phrased as an analyst would
ask them, in my own words. Each entry gives the correct answer first, then three same-type,
same-format distractors (mostly other figures from the same report: another year, segment, region
or line item, or another amount from the same passage), then the evidence: a verbatim passage of
the page region after whitespace normalisation, or a table row written "label | cell | cell".
Every gold answer was checked twice against the report text (table columns read against their
2022/2021/2020 headers and, where possible, against row and column totals: segment sales change
components, operating/investing/financing cash flow totals, net debt, working capital, geographic
capital spending and PP&E totals, income statement subtotals; parentheses are negatives).

The section labels are the strata labels of qa.jsonl / qa_heldout.jsonl (those that pages 25-48
cover), imported from qa_build.py as split C's script does.

Running this script (python3 data/3m/qa_heldout_d_build.py [--overlaps]) calls check_qa.build_set
with the checks of split C's script (evidence found in pages 25-48 only, 4 distinct choices, no
question or answer copying 12+ words of the report, no duplicate questions, exactly balanced answer
positions; here duplicates are also refused against qa.jsonl, qa_heldout.jsonl, qa_heldout_b.jsonl,
qa_heldout_c.jsonl and qa_2018.jsonl) and writes data/3m/qa_heldout_d.jsonl, or nothing and a
non-zero exit if any check fails. --overlaps also lists questions sharing 8-11 consecutive words
with the report, for review.

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
OUT = os.path.join(HERE, "qa_heldout_d.jsonl")
OTHER_SETS = [os.path.join(HERE, f) for f in ("qa.jsonl", "qa_heldout.jsonl", "qa_heldout_b.jsonl",
                                              "qa_heldout_c.jsonl", "qa_2018.jsonl")]
PAGES = (25, 48)  # 1-based, inclusive: pages[24:48]
SEED = 20230208 + 4  # the 10-K's filing date, plus the split's letter (D = 4)

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
q(SEG, "percent", "How much did currency translation add to Safety and Industrial's sales growth in 2021?",
  "+1.9%", ["+1.5%", "+1.6%", "+1.0%"],
  SI + " | 7.3 % 1.9 9.2 %")
q(SEG, "percent", "By what percentage did Safety and Industrial's sales increase in U.S. dollars in 2021?",
  "9.2%", ["10.2%", "9.8%", "7.3%"],
  "Sales in Safety and Industrial were up 9.2 percent in U.S. dollars.")
q(SEG, "percent", "How did Safety and Industrial's GAAP business segment operating income change in 2021?",
  "-4.7%", ["-2.8%", "-3.7%", "+3.8%"],
  SI + " | 1,199 $ (51.4 %) 10.3 % 2,466 (4.7 %) 20.6 %")
q(SEG, "percent", "What was Safety and Industrial's GAAP operating margin for 2021?",
  "20.6%", ["22.7%", "20.3%", "21.1%"],
  SI + " | 1,199 $ (51.4 %) 10.3 % 2,466 (4.7 %) 20.6 %")
q(SEG, "percent", "By what percentage did Safety and Industrial's adjusted (non-GAAP) segment operating income fall in 2022?",
  "-3.7%", ["-3.6%", "-2.8%", "-4.7%"],
  SI + " | 2,613 $ (3.7) % 22.5 % 2,715 (2.8) % 22.7 %")
q(SEG, "percent", "What organic sales growth did the Transportation and Electronics segment report for 2022?",
  "1.2%", ["1.0%", "3.2%", "8.7%"],
  TE + " | 8,902 | 1.2 (0.5) (4.6) (3.9)")
q(SEG, "percent", "What was the divestiture effect on Transportation and Electronics' 2022 sales change?",
  "-0.5%", ["-0.4%", "-1.4%", "-0.6%"],
  TE + " | 8,902 | 1.2 (0.5) (4.6) (3.9)")
q(SEG, "percent", "Stripping out special items, what operating margin did Transportation and Electronics earn in 2022?",
  "20.4%", ["20.3%", "11.4%", "22.5%"],
  TE + " | 1,812 $ (3.6) % 20.4 %")
q(SEG, "percent", "What organic sales growth did the Health Care segment achieve in 2022?",
  "3.2%", ["1.2%", "2.6%", "10.2%"],
  HC + " | 8,421 3.2 (1.4) (3.8) (2.0)")
q(SEG, "percent", "What was Health Care's business segment operating income as a percent of sales in 2021?",
  "23.7%", ["21.6%", "22.5%", "21.1%"],
  HC + " | 8,597 10.2 (2.0) 1.6 9.8 % % 2,037 22.5 % 23.7 %")
q(SEG, "percent", "By what percentage did the Consumer segment's operating income rise in 2021?",
  "3.8%", ["10.6%", "22.5%", "9.8%"],
  CO + " | 5,513 9.8 — 1.0 10.8 % % 1,162 3.8 % 21.1 %")
q(SEG, "percent", "What was the Consumer segment's organic sales change in 2022?",
  "-0.9%", ["-0.4%", "-2.6%", "+1.0%"],
  CO + " | 5,298 (0.9) (0.4) (2.6) (3.9)")
q(SEG, "entity", "Which of 3M's four business segments posted the smallest operating income in 2022?",
  "Consumer", ["Transportation and Electronics", "Safety and Industrial", "Health Care"],
  "Operating Income (Loss) | 1,199 $ 1,012 1,815 994 1,519 6,539 $")
q(SEG, "entity", "Transaction costs tied to which announced divestiture weighed on Health Care's margins in 2022?",
  "Food Safety", ["Drug Delivery", "Aearo Technologies", "Oral Care"],
  "investments in the business and transaction-related costs associated with the announced divestiture of the food safety business")
q(SEG, "entity", "Which adhesives brand did 3M name as a driver of the Consumer segment's 2021 growth?",
  "Command", ["VHB", "Scotch-Weld", "Dual Lock"],
  "Growth driven by continued strength in the market with strong demand for CommandTM adhesives")
q(SEG, "fact", "What partly offset Safety and Industrial's organic growth in 2021?",
  "Lapping the prior year's strong pandemic-related respirator mask demand",
  ["Semiconductor supply chain constraints on auto markets", "Weaker consumer electronics demand", "Retailers cutting their inventories"],
  "Growth was driven by improving general industrial manufacturing activity and other end-market demand partially offset by prior-year strong pandemic-related respirator mask demand.")
q(SEG, "fact", "Which automotive trend did 3M credit for Transportation and Electronics' 2021 organic growth?",
  "Higher car and light truck builds",
  ["Rising electric-vehicle battery demand", "Stronger automotive aftermarket repair volumes", "Higher heavy-duty truck production"],
  "Growth benefited from improving automotive-end market activity such as increases in car and light truck builds")
q(SEG, "fact", "Which item from 2020 helped Transportation and Electronics' operating margins improve in 2021?",
  "COVID impacts recognized on certain assets in 2020",
  ["A 2020 gain on the sale of properties", "The 2020 sale of the drug delivery business", "Early debt extinguishment costs in 2020"],
  "Business segment operating income margins increased year-on-year due to sales growth leverage, benefits from restructuring actions and lower related charges, and COVID impacts recognized on certain assets in 2020")
q(SEG, "fact", "What did 3M say was still weighing on Health Care's organic growth in 2022?",
  "COVID-related elective procedure trends and inflation",
  ["Lower dental procedure volumes", "Semiconductor shortages in medical devices", "Weaker biopharma filtration demand"],
  "Growth continues to be impacted by COVID-related trends on elective procedure volumes and ongoing inflationary pressures.")
q(SEG, "fact", "Which of the Consumer segment's businesses saw organic sales decline in 2021?",
  "None: all four grew",
  ["Home improvement only", "Consumer health and safety only", "Home care and home improvement"],
  "Sales increased in stationery and office, home improvement, consumer health and safety and home care.")
q(SEG, "fact", "Where does 3M book revenue from its transition supply and service arrangements with Neogen?",
  "Corporate and Unallocated net sales",
  ["Health Care segment sales", "Other expense (income), net", "Safety and Industrial segment sales"],
  "Other corporate expense-net also includes costs and income from transition supply, manufacturing and service arrangements with Neogen Corporation following the split-off of 3M's Food Safety business in 2022 and with the acquirer of the former Drug Delivery business following its 2020 divestiture. Items classified as revenue from this activity are included in Corporate and Unallocated net sales.")
q(SEG, "fact", "Which litigation costs does 3M remove from Safety and Industrial's adjusted segment operating income?",
  "Respirator mask/asbestos and Combat Arms Earplugs",
  ["PFAS and Bair Hugger", "Combat Arms Earplugs and PFAS", "Bair Hugger and respirator mask/asbestos"],
  "For Safety and Industrial these adjustments include net costs for respirator mask/asbestos (Aearo-related and non-Aearo related) and Combat Arms Earplugs litigation matters.")

# ---------------------------------------------------------------- performance by geographic area
q(GEO, "number", "What net property, plant and equipment did 3M carry in the Americas at December 31, 2021?",
  "$5,864 million", ["$6,066 million", "$5,662 million", "$5,484 million"],
  "Americas | 6,066 $ 1,389 1,723 9,178 $ 5,864 1,582 1,983 9,429")
q(GEO, "number", "What was 3M's net PP&E in Asia Pacific at the end of 2021?",
  "$1,582 million", ["$1,389 million", "$1,603 million", "$1,983 million"],
  "Asia Pacific | 6,066 $ 1,389 1,723 9,178 $ 5,864 1,582 1,983 9,429")
q(GEO, "number", "How much capital spending did 3M make in the Americas in 2021?",
  "$1,046 million", ["$1,321 million", "$1,144 million", "$1,179 million"],
  "Americas | 1,321 $ 182 246 1,749 $ 1,046 216 341 1,603")
q(GEO, "number", "What did 3M spend on capital projects in Europe, Middle East and Africa in 2021?",
  "$341 million", ["$246 million", "$216 million", "$381 million"],
  "Europe, Middle East and Africa | 1,321 $ 182 246 1,749 $ 1,046 216 341 1,603")
q(GEO, "number", "What was 3M's total capital spending in 2021?",
  "$1,603 million", ["$1,749 million", "$1,317 million", "$1,046 million"],
  "Total Company | 1,321 $ 182 246 1,749 $ 1,046 216 341 1,603")
q(GEO, "number", "How many people did 3M employ in the Americas at year-end 2021?",
  "56,000", ["54,000", "58,000", "51,000"],
  "Americas | 54,000 18,000 20,000 92,000 | 56,000 18,000 21,000 95,000")
q(GEO, "percent", "How much did currency translation shave off 3M's Americas sales in 2022?",
  "-0.3%", ["-0.6%", "-3.9%", "-6.5%"],
  "Americas | 2.6 (0.6) (0.3) 1.7 %")
q(GEO, "percent", "What was the currency translation impact on 3M's Asia Pacific sales in 2022?",
  "-6.5%", ["-6.6%", "-9.8%", "-3.9%"],
  "Asia Pacific | 0.3 (0.4) (6.5) (6.6) %")
q(GEO, "percent", "What share of 3M's worldwide sales did Asia Pacific account for in 2021?",
  "30.0%", ["28.9%", "18.8%", "51.2%"],
  "Asia Pacific | 18,097 $ 51.2 % 10,600 $ 30.0 % 6,660 $ 18.8 %")
q(GEO, "percent", "How much did 3M's worldwide net sales grow in 2021 in U.S. dollars?",
  "9.9%", ["8.8%", "10.8%", "9.5%"],
  "Worldwide | 35,355 100.0 % 8.8 (0.5) 1.6 9.9 %")
q(GEO, "percent", "By how much did 3M's total sales in Canada grow in 2021?",
  "18 percent", ["11 percent", "9 percent", "13 percent"],
  "In Canada, total sales increased 18 percent which included increased organic sales of 11 percent.")
q(GEO, "percent", "What was 3M's organic sales growth in Mexico in 2021?",
  "16 percent", ["18 percent", "12 percent", "11 percent"],
  "Total sales in Mexico increased 18 percent which included increased organic sales of 16 percent.")
q(GEO, "percent", "What organic sales growth did 3M post in Brazil in 2022?",
  "12 percent", ["15 percent", "22 percent", "13 percent"],
  "In Brazil, total sales increased 15 percent which included increased organic sales of 12 percent.")
Y2022_COUNTRIES = ("For the full year 2022, in the Americas geographic area, U.S. total sales were flat which included increased organic sales of 1 percent. "
                   "Total sales in Mexico increased 8 percent which included increased organic sales of 12 percent. "
                   "In Canada, total sales increased 9 percent which included increased organic sales of 13 percent. "
                   "In Brazil, total sales increased 15 percent which included increased organic sales of 12 percent. "
                   "In the Asia Pacific geographic area, China total sales decreased 6 percent which included decreased organic sales of 3 percent. "
                   "In Japan, total sales decreased 12 percent which included increased organic sales of 2 percent.")
q(GEO, "entity", "Of the countries 3M singles out in its MD&A, which had the fastest organic sales growth in 2022?",
  "Canada", ["Mexico", "Brazil", "Japan"],
  Y2022_COUNTRIES)
q(GEO, "entity", "In which of the countries 3M singles out did 2022 total sales growth outpace organic growth?",
  "Brazil", ["Mexico", "Canada", "Japan"],
  Y2022_COUNTRIES)
q(GEO, "entity", "Which of 3M's geographic areas had the strongest organic sales growth in 2022?",
  "Americas", ["Asia Pacific", "Europe, Middle East and Africa", "Latin America and Canada"],
  "Americas | 2.6 (0.6) (0.3) 1.7 % 0.3 (0.4) (6.5) (6.6) % (0.6) (0.6) (9.8) (11.0) %")
q(GEO, "fact", "What role does geographic area data play in how 3M measures performance?",
  "A secondary performance measure",
  ["Its primary performance measure", "A measure used only for tax reporting", "The basis for allocating resources to segments"],
  "While 3M manages its businesses globally and believes its business segment results are the most relevant measure of performance, the Company also utilizes geographic area data as a secondary performance measure.")
q(GEO, "fact", "What is 3M aiming for by increasing its investment in manufacturing and sourcing capability?",
  "Closer alignment of product capability with sales in major geographic areas",
  ["Consolidating production in the United States", "Replacing outsourced hardgoods manufacturing", "Reducing its reliance on PFAS-based inputs"],
  "3M is increasing its investment in manufacturing and sourcing capability in order to more closely align its product capability with its sales in major geographic areas")

# ---------------------------------------------------------------- overview and results of operations
q(OVR, "percent", "By how many percentage points did 3M's cost of sales rise as a share of net sales in 2022?",
  "3.0 points", ["6.1 points", "1.7 points", "0.8 points"],
  "Cost of sales | 56.2 % 26.5 5.4 (8.0) 0.8 19.1 % | 53.2 % 20.4 5.6 — — 20.8 % 3.0 % 6.1 (0.2)")
q(OVR, "percent", "By how many percentage points did 3M's operating income margin narrow in 2022?",
  "1.7 points", ["3.0 points", "0.8 points", "2.0 points"],
  "Operating income margin | 53.2 % 20.4 5.6 — — 20.8 % 3.0 % 6.1 (0.2) (8.0) 0.8 (1.7)%")
q(OVR, "percent", "By what percentage did 3M raise its quarterly dividend with the first-quarter 2023 declaration?",
  "1 percent", ["2 percent", "3 percent", "5 percent"],
  "In February 2023, 3M’s Board of Directors declared a first-quarter 2023 dividend of $1.50 per share, an increase of 1 percent.")
q(OVR, "number", "What income from unconsolidated subsidiaries, net of taxes, did 3M record in 2021?",
  "$10 million", ["$11 million", "$8 million", "$14 million"],
  "Income (loss) from unconsolidated subsidiaries, net of taxes | 11 $ 10")
q(OVR, "fact", "How does 3M largely manage currency risk in less liquid currencies?",
  "Through local operational actions using natural hedges",
  ["With 36-month forward contracts", "With cross-currency interest rate swaps", "By invoicing only in U.S. dollars"],
  "For less liquid currencies, financial hedging is frequently more expensive with more limitations on tenor. Thus, this risk is largely managed via local operational actions using natural hedging tools as discussed above.")
q(OVR, "fact", "What was the main reason 3M's non-service pension and postretirement benefit shrank in 2022?",
  "Higher interest costs from higher discount rates at year-end 2021",
  ["A reduction in actuarial loss amortization", "Plan settlements and curtailments", "A drop in service cost"],
  "The lower year-on-year benefit in 2022 was primarily due to higher interest costs due to higher discount rates as of the year-end 2021")
q(OVR, "fact", "What did 3M book when it sold its remaining ownership interest in Kindeva?",
  "An immaterial gain", ["An immaterial loss", "A $2.7 billion gain", "A $91 million gain"],
  "In the fourth quarter of 2022, 3M sold its remaining ownership interest in Kindeva resulting in an immaterial gain.")

# ---------------------------------------------------------------- critical accounting estimates (and pension overview)
q(CAE, "percent", "By how many percentage points did the discount rate of 3M's primary U.S. qualified pension plan rise during 2022?",
  "2.29 points", ["2.89 points", "1.29 points", "0.29 points"],
  "The primary U.S. qualified pension plan year-end 2022 discount rate was 5.18%, up 2.29 percentage points from the year-end 2021 discount rate of 2.89%.")
q(CAE, "percent", "What discount rate did 3M set for the 2023 service cost of its international pension plans (weighted average)?",
  "4.06%", ["4.39%", "4.61%", "3.86%"],
  "International Pension (weighted average) | 5.18 % 4.39 % 5.13 % 5.27 % 5.11 % 4.06 % 4.39 %")
q(CAE, "percent", "Which discount rate applies to the 2023 service cost of 3M's U.S. postretirement medical plan?",
  "5.26%", ["5.27%", "5.13%", "5.05%"],
  "U.S. Postretirement Medical | 5.27 % 5.11 % 4.06 % 4.39 % 5.26 5.05")
q(CAE, "fact", "Besides strategic asset allocation and long-term capital market expectations, what underpins the expected return on 3M's primary U.S. pension plan assets?",
  "Expected performance from active investment management",
  ["The plan's year-end discount rate", "Historical returns of the S&P 500", "The level of company contributions"],
  "The expected return on plan assets for the primary U.S. qualified pension plan is based on strategic asset allocation of the plan, long-term capital market return expectations, and expected performance from active investment management.")
q(CAE, "fact", "How does 3M set its return-on-assets assumptions for international pension plans?",
  "Plan by plan", ["One global rate for all plans", "One rate per geographic area", "Equal to each plan's discount rate"],
  "Return on assets assumptions for international pension and other post-retirement benefit plans are calculated on a plan-by-plan basis using plan asset allocations and expected long-term rate of return assumptions.")
q(CAE, "fact", "When does 3M add a discounted cash flow analysis to its goodwill impairment testing?",
  "When the market approach indicates more review is warranted",
  ["For every reporting unit every year", "Only when a division is held for sale", "Only for reporting units acquired within the year"],
  "3M also performs a discounted cash flow analysis for certain reporting units where the market approach indicates additional review is warranted.")
q(CAE, "fact", "Why does 3M say many of its businesses could not easily be sold on their own?",
  "They share technology and common capabilities within a highly integrated enterprise",
  ["They are not separate legal entities", "They carry PFAS-related liabilities", "They depend on government contracts"],
  "3M is a highly integrated enterprise, where businesses share technology and leverage common fundamental strengths and capabilities, thus many of 3M’s businesses could not easily be sold on a stand-alone basis.")
q(CAE, "fact", "What happens if 3M's estimated tax liabilities turn out lower than the final assessment?",
  "An additional charge to expense",
  ["A reversal recognized as a tax benefit", "An adjustment to goodwill", "A restatement of prior-year results"],
  "If the Company’s estimate of tax liabilities proves to be less than the ultimate assessment, an additional charge to expense would result.")

# ---------------------------------------------------------------- financial condition, liquidity and cash flows
q(LIQ, "number", "How much of 3M's cash, cash equivalents and marketable securities did its foreign subsidiaries hold at December 31, 2021?",
  "About $3.1 billion", ["About $2.7 billion", "About $1.7 billion", "About $4.8 billion"],
  "At December 31, 2021, 3M had $4.8 billion of cash, cash equivalents and marketable securities, of which approximately $3.1 billion was held by the Company’s foreign subsidiaries and $1.7 billion was held by the United States.")
q(LIQ, "number", "By how much did 3M's net debt fall during 2022?",
  "$548 million", ["$1,424 million", "$876 million", "$1,203 million"],
  "Net debt (non-GAAP measure) | 15,939 $ 3,916 12,023 $ $ Change 17,363 $ 4,792 12,571 $ (1,424) (876) (548)")
q(LIQ, "number", "Per 3M's net debt table, by how much did cash, cash equivalents and marketable securities decline in 2022?",
  "$876 million", ["$548 million", "$1,424 million", "$715 million"],
  "Less: Cash, cash equivalents and marketable securities | 15,939 $ 3,916 12,023 $ $ Change 17,363 $ 4,792 12,571 $ (1,424) (876) (548)")
q(LIQ, "number", "What total debt did 3M's net debt table show at December 31, 2021?",
  "$17,363 million", ["$15,939 million", "$16,056 million", "$17,633 million"],
  "Total debt | 15,939 $ 3,916 12,023 $ $ Change 17,363 $ 4,792 12,571 $")
q(LIQ, "number", "What were 3M's current assets at the end of 2021?",
  "$15,403 million", ["$14,688 million", "$15,939 million", "$14,403 million"],
  "Current assets | 14,688 $ 9,523 5,165 $ Change 15,403 $ 9,035 6,368 $ (715) 488 (1,203)")
q(LIQ, "number", "What were 3M's current liabilities at December 31, 2021?",
  "$9,035 million", ["$9,523 million", "$9,429 million", "$9,178 million"],
  "Less: Current liabilities | 14,688 $ 9,523 5,165 $ Change 15,403 $ 9,035 6,368 $")
q(LIQ, "number", "How much did balance changes in current assets reduce 3M's working capital in 2022?",
  "$0.7 billion", ["$0.5 billion", "$1.2 billion", "$0.4 billion"],
  "Balance changes in current assets decreased working capital by $0.7 billion, driven largely by decreases in cash and cash equivalents.")
q(LIQ, "number", "By how much did receivables, inventories and payables together reduce 3M's operating cash flow in 2021?",
  "$507 million", ["$623 million", "$903 million", "$1,863 million"],
  "The combination of accounts receivable, inventories and accounts payable decreased operating cash flow by $623 million in 2022, compared to an operating cash flow decrease of $507 million in 2021.")
q(LIQ, "number", "What stock-based compensation expense did 3M add back in its 2021 operating cash flow?",
  "$274 million", ["$263 million", "$206 million", "$227 million"],
  "Stock-based compensation expense | 5,929 1,915 — — (180) 206 274 — (410) (122) (903) 518 227 7,454")
q(LIQ, "number", "How much did the change in inventories reduce 3M's operating cash flow in 2022?",
  "$629 million", ["$903 million", "$710 million", "$387 million"],
  "Inventories | (2,724) (710) (105) (629) 111 854 5,591")
q(LIQ, "number", "What did accounts payable contribute to 3M's operating cash flow in 2021?",
  "$518 million", ["$111 million", "$227 million", "$274 million"],
  "Accounts payable | (122) (903) 518 227 7,454")
q(LIQ, "number", "How much did 3M contribute to its pension and postretirement plans in 2021, per its operating cash flow table?",
  "$180 million", ["$158 million", "$206 million", "$178 million"],
  "Company pension and postretirement contributions | 5,929 1,915 — — (180) 206 274")
q(LIQ, "number", "In 3M's 2021 operating cash flow, what was the effect of deferred and accrued income taxes?",
  "-$410 million", ["-$710 million", "-$122 million", "-$612 million"],
  "Income taxes (deferred and accrued income taxes) | 206 274 — (410) (122) (903)")
q(LIQ, "number", "What proceeds did 3M collect from sales of PP&E and other assets in 2021?",
  "$51 million", ["$200 million", "$31 million", "$204 million"],
  "Proceeds from sale of PP&E and other assets | (1,603) 51 204 — — 31 (1,317)")
q(LIQ, "number", "What was 3M's net cash used in investing activities in 2021?",
  "$1,317 million", ["$1,046 million", "$1,603 million", "$1,749 million"],
  "Net cash provided by (used in) investing activities | (1,749) $ 200 11 13 478 1 (1,046) $ (1,603) 51 204 — — 31 (1,317)")
q(LIQ, "number", "How much did 3M raise from issuing treasury stock under its stock option and benefit plans in 2021?",
  "$639 million", ["$381 million", "$518 million", "$2,199 million"],
  "Proceeds from issuances of treasury stock pursuant to stock option and benefit plans | (2,199) 639 (3,420)")
q(LIQ, "number", "What was 3M's net cash used in financing activities in 2021?",
  "$6,145 million", ["$5,350 million", "$3,420 million", "$7,454 million"],
  "Net cash provided by (used in) financing activities | (2,199) 639 (3,420) (20) (6,145)")
q(LIQ, "number", "What was 3M's total cash change in debt in 2022?",
  "-$838 million", ["-$1,145 million", "-$1,179 million", "+$340 million"],
  "Total cash change in debt | 340 $ (1,179) 1 (838)")
q(LIQ, "fact", "Which decrease partly offset the rise in 3M's current liabilities during 2022?",
  "Lower accrued payroll",
  ["Lower accounts payable", "Lower short-term borrowings", "Lower current portion of long-term debt"],
  "Balance changes in current liabilities decreased working capital by $0.5 billion, primarily due to increases in short-term borrowings and current-portion of long-term debt offset by decreases in accrued payroll.")
q(LIQ, "fact", "How are the certificates of deposit, commercial paper and other securities behind 3M's marketable securities flows classified?",
  "Available-for-sale", ["Held-to-maturity", "Trading", "Equity-method investments"],
  "Purchases of marketable securities and investments and proceeds from maturities and sale of marketable securities and investments are primarily attributable to certificates of deposit/time deposits, commercial paper, and other securities, which are classified as available-for-sale.")
q(LIQ, "fact", "Under which of 3M's capital spending categories does spending to eliminate pollution fall?",
  "Renewal and maintenance programs",
  ["Growth investments adding capacity", "Information technology and laboratory facilities", "Acquisitions and strategic alliances"],
  "3M invests in renewal and maintenance programs, which pertain to cost reduction, cycle time, maintaining and renewing current capacity, eliminating pollution, and compliance.")
q(LIQ, "fact", "How does 3M buy most of its materials and services?",
  "As needed, with no unconditional commitments",
  ["Under multi-year take-or-pay contracts", "Through long-term fixed-price agreements", "Through a single global purchasing agent"],
  "3M purchases the majority of its materials and services as needed, with no unconditional commitments.")
q(LIQ, "fact", "What amount of securities does 3M's well-known seasoned issuer shelf registration cover?",
  "An indeterminate amount of debt or equity",
  ["Up to $18 billion of debt", "Up to $10 billion of equity", "Up to $5 billion of commercial paper"],
  "which registers an indeterminate amount of debt or equity securities for future issuance and sale.")
q(LIQ, "date", "In which month did the LIBOR administrator act to stop publishing certain LIBOR rates after 2021?",
  "March 2021", ["November 2020", "July 2017", "June 2023"],
  "Subsequently, in March of 2021, IBA ceased publication of certain LIBOR rates after December 31, 2021.")
q(LIQ, "date", "When did the ICE Benchmark Administration propose extending USD LIBOR publication?",
  "November 2020", ["March 2021", "July 2017", "December 2021"],
  "In November 2020, the ICE Benchmark Administration (IBA), LIBOR’s administrator, proposed extending the publication of USD LIBOR through June 2023.")
q(LIQ, "date", "The roughly $17.6 billion issued under 3M's Series F medium-term notes program includes debt issued through which month?",
  "February 2019", ["February 2020", "May 2016", "June 2022"],
  "inclusive of debt issued in February 2019 and prior years is approximately $17.6 billion")

# ---------------------------------------------------------------- Item 7A market risk
q(MKT, "number", "In 3M's value-at-risk analysis, what positive impact on 2021 after-tax earnings could foreign exchange rates have?",
  "$147 million", ["$140 million", "$314 million", "$165 million"],
  "Foreign exchange rates | (315) $ (18) (5) Positive impact on after-tax earnings 2022 2021 (140) $ (2) (21) 314 18 7 $ 147 2 14")
q(MKT, "number", "What positive after-tax earnings impact from commodity prices did 3M's value-at-risk model show for 2021?",
  "$14 million", ["$21 million", "$7 million", "$5 million"],
  "Commodity prices | (315) $ (18) (5) Positive impact on after-tax earnings 2022 2021 (140) $ (2) (21) 314 18 7 $ 147 2 14")
q(MKT, "date", "How often does 3M analyze its global exposures to purchased components and materials?",
  "At each year-end", ["Every quarter", "Every month", "Every three years"],
  "An analysis of the global exposures related to purchased components and materials is performed at each year-end.")
q(MKT, "entity", "Who provides oversight of 3M's risk management and derivative activities?",
  "Senior management", ["The Audit Committee of the Board", "The Finance Committee of the Board", "PricewaterhouseCoopers LLP"],
  "Senior management provides oversight for risk management and derivative activities")
q(MKT, "entity", "What kind of counterparties does 3M select for its derivative contracts?",
  "Major international banks and financial institutions",
  ["Regional U.S. banks", "Central clearinghouses only", "Its own captive insurer"],
  "by selecting major international banks and financial institutions as counterparties.")
q(MKT, "fact", "What caps 3M's credit-loss risk if a counterparty to its swaps, forwards or options fails to perform?",
  "The fair value of the instruments",
  ["Their full notional amount", "Collateral posted by the counterparty", "Credit insurance limits"],
  "However, the Company’s risk is limited to the fair value of the instruments.")
q(MKT, "fact", "How are the foreign exchange forward and option contracts 3M uses to hedge foreign-currency cash flows designated?",
  "As cash flow hedges", ["As fair value hedges", "As net investment hedges", "Not designated as hedges"],
  "The Company enters into foreign exchange forward and option contracts to hedge against the effect of exchange rate fluctuations on cash flows denominated in foreign currencies. These transactions are designated as cash flow hedges.")

# ---------------------------------------------------------------- management's and auditor's reports
q(AUD, "number", "As of how many year-end dates did PwC audit 3M's consolidated balance sheet in its FY2022 report?",
  "Two", ["Three", "One", "Five"],
  "We have audited the accompanying consolidated balance sheet of 3M Company and its subsidiaries (the “Company”) as of December 31, 2022 and 2021")
q(AUD, "fact", "Besides a private letter ruling, what did 3M management obtain to support the tax-free status of the Food Safety split-off?",
  "Third-party tax opinions and other external tax advice",
  ["A U.S. Tax Court judgment", "An SEC no-action letter", "A closing agreement with the IRS"],
  "obtained a favorable private letter ruling from the Internal Revenue Service, third party tax opinions, and other external tax advice related to the concluded tax treatment.")
q(AUD, "fact", "When does 3M disclose a significant legal proceeding even though a liability is not probable or not estimable?",
  "When there is at least a reasonable possibility of a loss",
  ["Only when a loss is probable", "Only when the loss can be estimated", "Only when claims exceed $100 million"],
  "Management discloses significant legal proceedings even where liability is not probable or the amount of the liability is not estimable, or both, if management believes there is at least a reasonable possibility that a loss may be incurred.")

# ---------------------------------------------------------------- consolidated statement of income
IS_SALES = "Net sales | 34,229 | 35,355 | 32,184"
IS_OPEX = ("Total operating expenses | 19,232 9,049 1,862 (2,724) 271 27,690 6,539 18,795 7,197 1,994 — — 27,986 7,369 "
           "16,605 6,929 1,878 (389) — 25,023 7,161")
q(FS, "number", "What net sales did 3M report for 2020?",
  "$32,184 million", ["$34,229 million", "$35,355 million", "$33,184 million"],
  IS_SALES)
q(FS, "number", "What was 3M's cost of sales in 2021?",
  "$18,795 million", ["$19,232 million", "$16,605 million", "$17,795 million"],
  IS_OPEX)
q(FS, "number", "How much did 3M spend on research, development and related expenses in 2021?",
  "$1,994 million", ["$1,862 million", "$1,878 million", "$1,915 million"],
  IS_OPEX)
q(FS, "number", "What operating income did 3M earn in 2020?",
  "$7,161 million", ["$7,369 million", "$6,539 million", "$7,204 million"],
  IS_OPEX)
q(FS, "number", "What gain on business divestitures did 3M record in 2020?",
  "$389 million", ["$2,724 million", "$366 million", "$271 million"],
  IS_OPEX)
q(FS, "number", "What were 3M's total operating expenses for 2021?",
  "$27,986 million", ["$27,690 million", "$25,023 million", "$28,795 million"],
  IS_OPEX)
q(FS, "number", "What were 3M's basic earnings per share for 2021?",
  "$10.23", ["$10.21", "$10.12", "$10.18"],
  "Earnings per share attributable to 3M common shareholders — basic | 566.0 10.21 $ 579.0 10.23 $ 577.6 9.43")
q(FS, "number", "What weighted average number of basic common shares did 3M have outstanding in 2021?",
  "579.0 million", ["585.3 million", "566.0 million", "577.6 million"],
  "Weighted average 3M common shares outstanding — basic | 566.0 10.21 $ 579.0 10.23 $ 577.6 9.43")
q(FS, "number", "What net income attributable to 3M did the company report for 2020?",
  "$5,449 million", ["$5,453 million", "$5,777 million", "$5,921 million"],
  "Net income attributable to 3M | 5,777 $ 5,921 $ 5,449")


if __name__ == "__main__":
    check_qa.build_set(Q, DOC, PAGES, SECTIONS, SEED, OUT, check_qa.positions_within_one,
                       other_sets=OTHER_SETS, overlaps="--overlaps" in sys.argv)
