#!/usr/bin/env python3
"""Source of held-out split C of the 3M FY2022 10-K multiple-choice QA set (PDF pages 25-48), and
the script that writes it (data/3m/qa_heldout_c.jsonl).

This is a third, independent held-out set on the FY2022 10-K, restricted to the same pages as split
B, pages 25-48 (1-based PDF pages, form-feed separated; pages[24:48] of data/3m/3M_2022_10K.txt):
the end of the MD&A overview (sales and operating income by business segment, worldwide sales
change, sales by geographic area, country sales, currency risk, pension funding), results
of operations (expense ratios, cost of sales, interest expense, tax rate factors), performance by
business segment (Corporate and Unallocated, Safety and Industrial, Transportation and Electronics,
Health Care, Consumer), performance by geographic area (capital spending, net PP&E),
critical accounting estimates (pension discount rates, goodwill and long-lived asset impairment,
uncertain tax positions), financial condition and liquidity (liquidity sources, foreign earnings,
debt maturity profile, LIBOR, shelf registration, Food Safety financing, net debt, working capital,
operating/investing/financing cash flows, capital-related grants), Item 7A market risk (hedge
designation, value at risk, energy exposure), the auditor's report (opinion, critical audit
matters) and the consolidated statement of income.

How it was written: every question was written by reading those pages of the report and nothing
else (the report text, data/3m/README.md, check_qa.py, qa_heldout_b_build.py as a template, and the
existing qa.jsonl / qa_heldout.jsonl / qa_heldout_b.jsonl to avoid asking the same facts again). It
was written BLIND to the project's training-data generator and its output (no synthetic or
generated text, nothing under runs/, out/ or results/, and no model output was read). Facts already
asked by qa.jsonl, qa_heldout.jsonl or qa_heldout_b.jsonl were skipped; where a table row had been
asked, another year, segment, region or column of it is asked instead. Questions are phrased as an
analyst would ask them, in my own words. Each entry gives the correct answer first, then three
same-type, same-format distractors (mostly other figures from the same report: another year,
segment, region or line item, or another amount from the same passage), then the evidence: a
verbatim passage of the page region after whitespace normalisation, or a table row written
"label | cell | cell".

Running this script (python3 data/3m/qa_heldout_c_build.py [--overlaps]) calls check_qa.build_set
with the checks of split B's script (qa_heldout_b_build.py's docstring lists them; here duplicates
are also refused against qa_heldout_b.jsonl) and writes data/3m/qa_heldout_c.jsonl, or nothing and
a non-zero exit if any check fails.

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
OUT = os.path.join(HERE, "qa_heldout_c.jsonl")
OTHER_SETS = [os.path.join(HERE, f) for f in ("qa.jsonl", "qa_heldout.jsonl", "qa_heldout_b.jsonl", "qa_2018.jsonl")]
PAGES = (25, 48)  # 1-based, inclusive: pages[24:48]
SEED = 20230208 + 3  # the 10-K's filing date, plus the split's letter (C = 3)
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
SEG_2021 = "11,981 9,262 8,597 5,513 2 33.9 % $ 26.2 24.3 15.6"

# ---------------------------------------------------------------- performance by business segment
q(SEG, "percent", "In 2021, what percentage of 3M's total net sales did the Transportation and Electronics segment contribute?",
  "26.2%", ["26.0%", "24.3%", "24.6%"],
  "Transportation and Electronics | " + SEG_2021)
q(SEG, "percent", "What share of 3M's 2021 net sales did the Consumer segment account for?",
  "15.6%", ["15.5%", "18.8%", "24.3%"],
  "Consumer | " + SEG_2021)
q(SEG, "number", "How much revenue did 3M's Health Care segment generate in 2021?",
  "$8,597 million", ["$8,421 million", "$8,902 million", "$9,262 million"],
  "Health Care | " + SEG_2021)
q(SEG, "number", "How much net sales did 3M book in Corporate and Unallocated in 2022?",
  "$4 million", ["$2 million", "$11 million", "$14 million"],
  "Corporate and Unallocated | 11,604 8,902 8,421 5,298 4 34,229")
q(SEG, "entity", "Which of 3M's four business segments produced the largest GAAP operating income in 2022?",
  "Health Care", ["Safety and Industrial", "Transportation and Electronics", "Consumer"],
  "Operating Income (Loss) | 1,199 $ 1,012 1,815 994 1,519 6,539 $")
q(SEG, "percent", "By what percentage did Transportation and Electronics' GAAP segment operating income fall in 2022?",
  "46.2%", ["51.4%", "10.9%", "14.4%"],
  TE + " | 1,012 $ (46.2) % 11.4 %")
q(SEG, "percent", "How steeply did the Consumer segment's operating income decline in 2022?",
  "14.4%", ["10.9%", "11.3%", "3.9%"],
  CO + " | 5,298 (0.9) (0.4) (2.6) (3.9) (14.4) 18.8")
q(SEG, "percent", "What did divestitures subtract from the Consumer segment's 2022 sales change?",
  "-0.4%", ["-0.5%", "-1.4%", "-0.9%"],
  CO + " | 5,298 (0.9) (0.4) (2.6) (3.9)")
q(SEG, "percent", "How much did currency translation reduce Consumer segment sales in 2022?",
  "-2.6%", ["-3.8%", "-4.2%", "-3.9%"],
  CO + " | 5,298 (0.9) (0.4) (2.6) (3.9)")
q(SEG, "number", "What was Safety and Industrial's GAAP business segment operating income in 2021?",
  "$2,466 million", ["$2,715 million", "$2,613 million", "$2,037 million"],
  SI + " | 1,199 $ (51.4 %) 10.3 % 2,466 (4.7 %) 20.6 %")
q(SEG, "percent", "What organic sales growth did Transportation and Electronics deliver in 2021?",
  "8.7%", ["7.3%", "10.2%", "9.8%"],
  TE + " | 9,262 8.7 — 1.5 10.2")
q(SEG, "percent", "By how much did Transportation and Electronics' segment operating income grow in 2021?",
  "10.6%", ["3.8%", "22.5%", "8.7%"],
  TE + " | 1,880 10.6 % 20.3 %")
q(SEG, "percent", "How much did Health Care's business segment operating income rise in 2021?",
  "22.5%", ["10.6%", "10.2%", "23.7%"],
  HC + " | 2,037 22.5 % 23.7 %")
q(SEG, "percent", "What was the divestiture effect on Health Care's 2021 sales change?",
  "-2.0%", ["-1.4%", "-0.5%", "-1.1%"],
  HC + " | 8,597 10.2 (2.0) 1.6 9.8")
q(SEG, "date", "During which part of 2021 did rising elective procedure volumes support Health Care's growth?",
  "The first six months", ["The second half", "The fourth quarter", "The full year"],
  "rising elective procedure volumes in the first six months of 2021")
q(SEG, "percent", "What organic sales growth did the Consumer segment post in 2021?",
  "9.8%", ["10.8%", "8.7%", "7.3%"],
  CO + " | 5,513 9.8 — 1.0 10.8")
q(SEG, "fact", "Which Transportation and Electronics businesses saw organic sales fall in 2021?",
  "None: all of them grew", ["Electronics only", "Transportation safety only", "Transportation safety and electronics"],
  "Sales increased in advanced materials, commercial solutions, automotive and aerospace, electronics and transportation safety.")
q(SEG, "fact", "Which investment did 3M name as adding to Transportation and Electronics' margin pressure in 2022?",
  "Investments in auto electrification", ["Investments in data center capacity", "Investments in semiconductor fabrication", "Investments in aerospace certification"],
  "manufacturing productivity headwinds which were further magnified by the shutdown of certain operations in Belgium and investments in auto electrification")
q(SEG, "entity", "Which auto-care brand did 3M credit for part of its Consumer segment's 2021 growth?",
  "Meguiars", ["Scotchgard", "Nexcare", "Thinsulate"],
  "Growth driven by continued strength in the market with strong demand for CommandTM adhesives, FiltreteTM air quality solutions, MeguiarsTM auto care")
q(SEG, "fact", "Besides raw materials and logistics, which cost did 3M single out for the Consumer segment's lower 2022 margins?",
  "Outsourced hardgoods manufacturing costs", ["Investments in auto electrification", "Food Safety divestiture transaction costs", "PFAS exit asset impairments"],
  "Business segment operating income margins decreased year-on-year as a result of increased raw materials, logistics and outsourced hardgoods manufacturing costs")
q(SEG, "fact", "In which bucket does 3M report the cost of its corporate philanthropic activity?",
  "Other corporate expense-net", ["Corporate special items", "Other expense (income), net", "Business segment operating income"],
  "Other corporate expense-net includes items such as net costs related to limited unallocated corporate staff and centrally managed material resource centers of expertise costs, corporate philanthropic activity")
q(SEG, "fact", "Apart from raw materials, logistics and litigation costs, what held down Safety and Industrial's margins in 2021?",
  "A smaller gain on sales of properties", ["The deconsolidation of the Aearo Entities", "PFAS manufacturing exit impairments", "Costs of exiting Russia"],
  "Business segment operating income margins decreased year-on-year due to increases in raw materials, logistics and special item costs for significant litigation; lower gain on sale of properties;")

# ---------------------------------------------------------------- performance by geographic area
q(GEO, "number", "What net sales did 3M record in Asia Pacific in 2021?",
  "$10,600 million", ["$9,901 million", "$9,262 million", "$11,604 million"],
  "Asia Pacific | 18,097 $ 51.2 % 10,600 $ 30.0 % 6,660 $ 18.8 %")
q(GEO, "number", "How much did 3M sell in Europe, Middle East and Africa in 2021?",
  "$6,660 million", ["$5,928 million", "$6,066 million", "$6,539 million"],
  "Europe, Middle East & Africa | 18,097 $ 51.2 % 10,600 $ 30.0 % 6,660 $ 18.8 %")
q(GEO, "percent", "How much did currency translation cut 3M's 2022 sales in Europe, Middle East and Africa?",
  "-9.8%", ["-6.5%", "-11.0%", "-4.6%"],
  "Europe, Middle East & Africa | (0.6) (0.6) (9.8) (11.0) %")
q(GEO, "percent", "What organic sales growth did 3M's Asia Pacific area record in 2022?",
  "+0.3%", ["+2.6%", "-0.6%", "+1.2%"],
  "Asia Pacific | 0.3 (0.4) (6.5) (6.6) %")
q(GEO, "percent", "How much did 3M's Americas net sales grow in 2021 in U.S. dollars?",
  "9.5%", ["9.8%", "10.8%", "9.0%"],
  "Americas | 18,097 $ 51.2 % 10,600 $ 30.0 % 6,660 $ 18.8 % 9.8 (0.6) 0.3 9.5 %")
q(GEO, "percent", "What was 3M's organic sales growth in Europe, Middle East and Africa in 2021?",
  "6.3%", ["8.5%", "9.8%", "3.8%"],
  "Europe, Middle East & Africa | 6.3 (1.1) 3.8 9.0 %")
q(GEO, "entity", "Which of 3M's geographic areas posted the highest organic sales growth in 2021?",
  "Americas", ["Asia Pacific", "Europe, Middle East and Africa", "Latin America and Canada"],
  "Americas | 9.8 (0.6) 0.3 9.5 % 8.5 — 2.3 10.8 % 6.3 (1.1) 3.8 9.0 %")
q(GEO, "percent", "What contribution did currency translation make to 3M's worldwide sales change in 2021?",
  "+1.6%", ["+2.3%", "+3.8%", "+0.3%"],
  "Worldwide | 35,355 100.0 % 8.8 (0.5) 1.6 9.9 %")
q(GEO, "percent", "By how much did 3M's total sales in Mexico rise in 2021?",
  "18 percent", ["16 percent", "8 percent", "12 percent"],
  "Total sales in Mexico increased 18 percent which included increased organic sales of 16 percent.")
q(GEO, "percent", "How much did 3M's total sales in China grow in 2021?",
  "17 percent", ["11 percent", "18 percent", "6 percent"],
  "China total sales increased 17 percent which included increased organic sales of 11 percent.")
q(GEO, "percent", "How did 3M's total sales in Japan change in 2021?",
  "Flat", ["Up 2 percent", "Down 12 percent", "Up 8 percent"],
  "In Japan, total sales were flat which included increased organic sales of 2 percent.")
q(GEO, "number", "What were 3M's 2022 capital expenditures in Asia Pacific?",
  "$182 million", ["$216 million", "$246 million", "$200 million"],
  "Asia Pacific | 1,321 $ 182 246 1,749 $")
q(GEO, "number", "What did 3M spend on capital expenditures in Asia Pacific in 2021?",
  "$216 million", ["$182 million", "$341 million", "$246 million"],
  "Asia Pacific | 1,046 216 341 1,603")
q(GEO, "number", "What net property, plant and equipment did 3M carry in Europe, Middle East and Africa at the end of 2022?",
  "$1,723 million", ["$1,983 million", "$1,389 million", "$1,582 million"],
  "Europe, Middle East and Africa | 6,066 $ 1,389 1,723 9,178 $")
q(GEO, "number", "What net property, plant and equipment did 3M hold in Europe, Middle East and Africa at December 31, 2021?",
  "$1,983 million", ["$1,723 million", "$1,582 million", "$1,749 million"],
  "Europe, Middle East and Africa | 6,066 $ 1,389 1,723 9,178 $ 5,864 1,582 1,983 9,429")
q(GEO, "number", "What was 3M's total-company net property, plant and equipment at December 31, 2021, per the geographic table?",
  "$9,429 million", ["$9,178 million", "$9,262 million", "$9,049 million"],
  "Total Company | 6,066 $ 1,389 1,723 9,178 $ 5,864 1,582 1,983 9,429")

# ---------------------------------------------------------------- critical accounting estimates (and pension overview)
q(CAE, "percent", "What discount rate did 3M apply to its U.S. postretirement medical benefit obligation at December 31, 2022?",
  "5.13%", ["5.18%", "4.39%", "5.26%"],
  "U.S. Postretirement Medical | 5.18 % 4.39 % 5.13 %")
q(CAE, "percent", "What discount rate did 3M use for the 2023 interest cost of its U.S. qualified pension plan?",
  "5.11%", ["5.27%", "5.18%", "5.05%"],
  "Interest cost | 5.18 % 4.39 % 5.13 % 5.27 % 5.11 %")
q(CAE, "percent", "What discount rate did 3M set for the 2023 interest cost of its U.S. postretirement medical plan?",
  "5.05%", ["5.11%", "5.13%", "4.39%"],
  "U.S. Postretirement Medical | 5.27 % 5.11 % 4.06 % 4.39 % 5.26 5.05")
q(CAE, "fact", "How does the spot yield curve approach affect the measurement of 3M's total pension benefit obligations?",
  "It does not affect it", ["It raises it", "It lowers it", "It replaces the year-end discount rate for it"],
  "The spot yield curve approach does not affect the measurement of the total benefit obligations as the change in service and interest costs offset the actuarial gains and losses recorded in other comprehensive income.")
q(CAE, "fact", "Which yields does 3M use to discount projected pension benefit payments?",
  "Yields on high-quality fixed-income debt",
  ["U.S. Treasury yields of matching maturity", "The expected long-term return on plan assets", "3M's own incremental borrowing rate"],
  "using the yields of a portfolio of high quality, fixed-income debt instruments that would produce cash flows sufficient in timing and amount to settle projected future benefits.")
q(CAE, "date", "To which measurement date does 3M discount its projected pension benefit cash flows?",
  "December 31", ["October 1", "September 30", "June 30"],
  "discounting these cash flows back to the December 31 measurement date")
q(CAE, "number", "By roughly how much does 3M expect its global defined benefit pension and postretirement expense to fall in 2023 versus 2022?",
  "About $30 million", ["About $50 million", "About $125 million", "About $145 million"],
  "3M expects global defined benefit pension and postretirement expense in 2023 to decrease by approximately $30 million pre-tax when compared to 2022.")
q(CAE, "fact", "Why was the funded status of 3M's primary U.S. qualified pension plan unchanged at the end of 2022?",
  "A lower PBO from higher discount rates offset negative asset returns",
  ["Company contributions offset the negative asset returns", "Asset gains offset a higher PBO from lower discount rates", "A plan amendment cut benefits and the PBO"],
  "The primary U.S. qualified pension plan’s funded status remained at 97% as of December 31, 2022 due to the lower PBO resulting from the discount rate increase, offset by the negative returns of the plan's assets.")
q(CAE, "fact", "If 3M were to take future non-cash asset impairment charges, how much of its goodwill does it expect would be written down?",
  "Only a portion", ["All of it", "None of it", "At least half"],
  "If future non-cash asset impairment charges are taken, 3M would expect that only a portion of the goodwill would be impaired.")
q(CAE, "fact", "Did 3M merge any of its reporting units for goodwill impairment testing?",
  "No, none were combined", ["Yes, all units within each segment", "Yes, units with similar economics", "Only the Health Care units"],
  "3M did not combine any of its reporting units for impairment testing.")
q(CAE, "fact", "What triggers recognition of an impairment loss on a 3M long-lived asset group?",
  "Carrying amount above estimated undiscounted future cash flows",
  ["Fair value below original cost", "Carrying amount above discounted future cash flows", "An impairment of the related reporting unit's goodwill"],
  "An impairment loss is recognized when the carrying amount exceeds the estimated undiscounted future cash flows expected to result from the use of the asset group and its eventual disposition.")
q(CAE, "entity", "Which accounting guidance does 3M follow in recording liabilities for uncertain income tax positions?",
  "ASC 740, Income Taxes", ["ASC 450, Contingencies", "ASC 350, Intangibles—Goodwill and Other", "ASC 842, Leases"],
  "The Company follows guidance provided by ASC 740, Income Taxes, a subset of which relates to uncertainty in income taxes, to record these liabilities")
q(CAE, "entity", "With which body did 3M's senior management review the development and disclosure of its critical accounting estimates?",
  "The Audit Committee of the Board", ["The Finance Committee of the Board", "PricewaterhouseCoopers LLP", "The SEC staff"],
  "Senior management has discussed the development, selection and disclosure of its critical accounting estimates with the Audit Committee of 3M’s Board of Directors.")

# ---------------------------------------------------------------- financial condition, liquidity and cash flows
q(LIQ, "fact", "How does 3M primarily meet its short-term liquidity needs?",
  "Cash on hand and U.S. commercial paper", ["Draws on its revolving credit facility", "Issuing medium-term notes", "Repatriating foreign cash"],
  "The Company’s primary short-term liquidity needs are met through cash on hand and U.S. commercial paper issuances.")
q(LIQ, "fact", "What are 3M's plans for the international earnings it still treats as indefinitely reinvested?",
  "No current plans to repatriate them", ["To repatriate them during 2023", "To repatriate them to fund share repurchases", "To repatriate them over the TCJA's eight-year schedule"],
  "For those international earnings still considered to be reinvested indefinitely, the Company currently has no plans or intentions to repatriate these funds for U.S. operations.")
q(LIQ, "fact", "How does 3M arrange the maturities of its debt portfolio?",
  "Staggered, so no single year's refinancing need is outsized", ["Concentrated in bonds due after 2040", "Mostly in floating-rate bank loans", "Matched to expected pension benefit payments"],
  "Additionally, the Company’s debt maturity profile is staggered to help ensure refinancing needs in any given year are reasonable in proportion to the total portfolio.")
q(LIQ, "entity", "Which organization administers LIBOR, according to 3M's 10-K?",
  "ICE Benchmark Administration", ["The UK Financial Conduct Authority", "The Federal Reserve Bank of New York", "The Bank of England"],
  "In November 2020, the ICE Benchmark Administration (IBA), LIBOR’s administrator, proposed extending the publication of USD LIBOR through June 2023.")
q(LIQ, "date", "When did the UK regulator announce that banks would no longer be required to submit LIBOR rates after 2021?",
  "July 2017", ["November 2020", "March 2021", "February 2017"],
  "In July 2017, the United Kingdom’s Financial Conduct Authority announced that it would no longer require banks to submit rates for the London InterBank Offered Rate (“LIBOR”) after 2021.")
q(LIQ, "date", "What was the date of the earlier shelf registration that 3M's 2020 WKSI shelf replaced?",
  "February 24, 2017", ["February 10, 2017", "May 24, 2016", "February 24, 2014"],
  "This replaced 3M’s previous shelf registration dated February 24, 2017.")
q(LIQ, "fact", "What became of the bridge financing part of the Food Safety split-off debt facilities?",
  "It was terminated early without being used", ["It was drawn and repaid at closing", "It was converted into a term loan", "It remained with 3M as a backup line"],
  "The bridge financing component of these facilities was terminated early and not utilized.")
q(LIQ, "number", "Per 3M's net debt table, by how much did total debt decline between the end of 2021 and the end of 2022?",
  "$1,424 million", ["$876 million", "$548 million", "$1,203 million"],
  "Total debt | 15,939 $ 3,916 12,023 $ $ Change 17,363 $ 4,792 12,571 $ (1,424) (876) (548)")
q(LIQ, "number", "What were 3M's current assets at December 31, 2022?",
  "$14,688 million", ["$15,403 million", "$15,939 million", "$12,023 million"],
  "Current assets | 2022 $ $ 2021 14,688 $ 9,523 5,165 $ Change 15,403 $ 9,035 6,368 $")
q(LIQ, "number", "What were 3M's current liabilities at December 31, 2022?",
  "$9,523 million", ["$9,035 million", "$9,178 million", "$9,429 million"],
  "Less: Current liabilities | 14,688 $ 9,523 5,165 $")
q(LIQ, "number", "How much did balance changes in current liabilities reduce 3M's working capital in 2022?",
  "$0.5 billion", ["$0.7 billion", "$1.2 billion", "$0.4 billion"],
  "Balance changes in current liabilities decreased working capital by $0.5 billion")
q(LIQ, "number", "What depreciation and amortization did 3M add back in its 2021 operating cash flow?",
  "$1,915 million", ["$1,831 million", "$1,994 million", "$1,878 million"],
  "Depreciation and amortization | 5,791 $ 1,831 618 271 (158) 178 263 (2,724) (710) (105) (629) 111 854 5,591 $ $ 5,929 1,915")
q(LIQ, "number", "In 3M's 2022 operating cash flow, what was the effect of deferred and accrued income taxes?",
  "-$710 million", ["-$410 million", "-$629 million", "-$612 million"],
  "Income taxes (deferred and accrued income taxes) | 263 (2,724) (710) (105) (629)")
q(LIQ, "number", "What effect did accounts receivable have on 3M's 2022 operating cash flow?",
  "-$105 million", ["-$122 million", "-$629 million", "-$158 million"],
  "Accounts receivable | (2,724) (710) (105) (629) 111 854")
q(LIQ, "number", "How much did the change in inventories reduce 3M's operating cash flow in 2021?",
  "$903 million", ["$629 million", "$838 million", "$710 million"],
  "Inventories | (180) 206 274 — (410) (122) (903) 518 227 7,454")
q(LIQ, "number", "What did the 'Other — net' line contribute to 3M's 2022 operating cash flow?",
  "$854 million", ["$227 million", "$618 million", "$838 million"],
  "Other — net | (2,724) (710) (105) (629) 111 854 5,591")
q(LIQ, "number", "How much did 3M collect from sales of PP&E and other assets in 2022?",
  "$200 million", ["$51 million", "$478 million", "$182 million"],
  "Proceeds from sale of PP&E and other assets | (1,749) $ 200 11 13 478 1 (1,046) $")
q(LIQ, "number", "Apart from the Food Safety split-off payment, what did 3M receive from sales of businesses (net of cash sold) in 2022?",
  "$13 million", ["$11 million", "$31 million", "$51 million"],
  "Proceeds from sale of businesses, net of cash sold | (1,749) $ 200 11 13 478 1 (1,046) $")
q(LIQ, "number", "In 2021, what net inflow did 3M's purchases and maturities or sales of marketable securities and investments provide?",
  "$204 million", ["$11 million", "$200 million", "$216 million"],
  "Purchases and proceeds from maturities and sale of marketable securities and investments, net | (1,603) 51 204 — — 31 (1,317)")
q(LIQ, "fact", "How does 3M account for capital-related government grants it earns?",
  "As reductions to the cost of property, plant and equipment",
  ["As other income when received", "As deferred revenue amortized to sales", "As a credit to SG&A expense"],
  "3M records capital-related government grants earned as reductions to the cost of property, plant and equipment")
q(LIQ, "number", "How much debt with maturities over 90 days did 3M repay in 2022?",
  "$1,179 million", ["$1,144 million", "$1,046 million", "$1,464 million"],
  "Repayment of debt (maturities greater than 90 days) | 340 $ (1,179) 1 (838)")
q(LIQ, "number", "What was 3M's total cash change in debt in 2021?",
  "-$1,145 million", ["-$838 million", "-$1,144 million", "-$1,179 million"],
  "Total cash change in debt | (2) (1,144) 1 (1,145) (2,199) 639 (3,420) (20) (6,145)")
q(LIQ, "number", "What did the 'Other — net' line amount to in 3M's 2022 financing cash flows?",
  "-$60 million", ["-$20 million", "-$105 million", "-$2 million"],
  "Other — net | (1,464) 381 (3,369) (60) (5,350) $")
q(LIQ, "fact", "Which of these can be included in the 'other' items of 3M's financing cash flows?",
  "Principal payments for finance leases", ["Commercial paper issuances", "Dividends paid to shareholders", "Purchases of treasury stock"],
  "Other cash flows from financing activities may include various other items, such as cash paid associated with certain derivative instruments, distributions to or sales of noncontrolling interests, changes in overdraft balances, and principal payments for finance leases.")
# ---------------------------------------------------------------- overview and results of operations
q(OVR, "percent", "In 3M's 2022 operating expense ratios, how large was the gain on business divestitures relative to net sales?",
  "8.0%", ["0.8%", "6.1%", "5.4%"],
  "Gain on business divestitures | 56.2 % 26.5 5.4 (8.0) 0.8 19.1 %")
q(OVR, "percent", "What did the goodwill impairment expense amount to as a percent of 3M's 2022 net sales?",
  "0.8%", ["8.0%", "0.5%", "1.7%"],
  "Goodwill impairment expense | 56.2 % 26.5 5.4 (8.0) 0.8 19.1 %")
q(OVR, "percent", "By how many percentage points did 3M's SG&A-to-sales ratio rise in 2022?",
  "6.1 points", ["3.0 points", "1.7 points", "5.4 points"],
  "Selling, general and administrative expenses (SG&A) | 3.0 % 6.1 (0.2) (8.0) 0.8 (1.7)%")
q(OVR, "fact", "What partly offset the increase in 3M's cost of sales as a share of sales in 2022?",
  "Higher selling prices", ["Lower raw material costs", "Restructuring benefits", "Lower logistics costs"],
  "On a percent of sales basis, these increases were partially offset by increases in selling prices.")
q(OVR, "fact", "What partly explains the decline in 3M's net interest expense in 2021?",
  "Savings from early debt extinguishments in 2020",
  ["Debt maturities and interest income on invested cash", "Lower commercial paper rates", "New fixed-to-floating interest rate swaps"],
  "Interest expense (net of interest income) decreased in 2021 compared to the same period year-on-year due in part to interest expense savings from early debt extinguishment actions in 2020.")
q(OVR, "fact", "Which of these does 3M describe as a recurring factor that can move its effective tax rate?",
  "The geographic mix of pre-tax income", ["Settlements of income tax audits", "Changes in tax laws", "Employee share-based payment accounting"],
  "as well as recurring factors, such as the geographic mix of income before taxes.")
q(OVR, "fact", "Which of these is one of the natural hedges 3M uses against currency risk to earnings?",
  "Hard currency-indexed billings", ["Cross-currency interest rate swaps", "Foreign currency option contracts", "Euro-denominated debt"],
  "3M utilizes a number of tools to manage currency risk related to earnings including natural hedges such as pricing, productivity, hard currency, hard currency-indexed billings, and localizing source of supply.")

# ---------------------------------------------------------------- Item 7A market risk
q(MKT, "number", "In 3M's value-at-risk analysis, what positive impact on 2022 after-tax earnings could foreign exchange rates have?",
  "$314 million", ["$315 million", "$147 million", "$140 million"],
  "Foreign exchange rates | (315) $ (18) (5) Positive impact on after-tax earnings 2022 2021 (140) $ (2) (21) 314 18 7 $ 147 2 14")
q(MKT, "number", "In 3M's value-at-risk analysis, what was the adverse after-tax earnings impact from commodity prices for 2021?",
  "$21 million", ["$5 million", "$14 million", "$7 million"],
  "Commodity prices | (315) $ (18) (5) Positive impact on after-tax earnings 2022 2021 (140) $ (2) (21)")
q(MKT, "fact", "How are the interest rate swaps 3M may use to manage interest rate risk designated?",
  "As fair value hedges", ["As cash flow hedges", "As net investment hedges", "Not designated as hedges"],
  "In addition, the Company may enter into interest rate swaps that are designated and qualify as fair value hedges.")
q(MKT, "date", "How often does 3M perform its value at risk analysis?",
  "Annually", ["Quarterly", "Monthly", "Daily"],
  "The value at risk analysis is performed annually to assess the Company’s sensitivity to changes in currency rates, interest rates, and commodity prices.")
q(MKT, "number", "What positive after-tax earnings impact from commodity prices did 3M's value-at-risk model show for 2022?",
  "$7 million", ["$14 million", "$5 million", "$21 million"],
  "Commodity prices | (140) $ (2) (21) 314 18 7 $ 147 2 14")
q(MKT, "fact", "What mainly makes up 3M's global energy exposure?",
  "Electricity and natural gas", ["Fuel oil and diesel", "Coal and purchased steam", "Propane and gasoline"],
  "Global energy exposure includes energy costs used in 3M production and other facilities, primarily electricity and natural gas.")
q(MKT, "entity", "Whose dataset underlies 3M's Monte Carlo value-at-risk model?",
  "A third-party bank's", ["3M's internal treasury system", "The Federal Reserve's", "Its auditor's"],
  "The model (third-party bank dataset) used a 95 percent confidence level over a 12-month time horizon.")

# ---------------------------------------------------------------- management's and auditor's reports
q(AUD, "fact", "What kind of opinion did PricewaterhouseCoopers express on 3M's internal control over financial reporting for 2022?",
  "Unqualified", ["Qualified", "Adverse", "A disclaimer of opinion"],
  "which expresses an unqualified opinion on the effectiveness of the Company’s internal control over financial reporting as of December 31, 2022.")
q(AUD, "number", "For how many fiscal years did PwC's opinion cover 3M's consolidated statements of income and cash flows?",
  "Three", ["Two", "Five", "One"],
  "and the related consolidated statements of income, of comprehensive income (loss), of changes in equity and of cash flows for each of the three years in the period ended December 31, 2022")
q(AUD, "fact", "In auditing 3M's legal proceedings, what did PwC obtain and evaluate from internal and external legal counsel?",
  "Letters of audit inquiry", ["Signed settlement agreements", "Court docket summaries", "Management representation letters"],
  "obtaining and evaluating the letters of audit inquiry with internal and external legal counsel")
q(AUD, "number", "Per the auditor's report, what was 3M's consolidated property, plant and equipment balance at December 31, 2022?",
  "$9.2 billion", ["$12.8 billion", "$9.4 billion", "$8.4 billion"],
  "the Company’s consolidated property, plant and equipment balance was $9.2 billion and goodwill balance was $12.8 billion as of December 31, 2022")
q(AUD, "fact", "In the Advanced Materials impairment audit, which assumption did PwC's specialists help evaluate for reasonableness?",
  "The discount rate", ["Projected sales", "EBITDA margins", "Capital expenditures"],
  "Professionals with specialized skill and knowledge were used to assist in evaluating the appropriateness of the discounted cash flow models and evaluating the reasonableness of the discount rate.")

# ---------------------------------------------------------------- consolidated statement of income
q(FS, "number", "What selling, general and administrative expenses did 3M report for 2021?",
  "$7,197 million", ["$9,049 million", "$6,929 million", "$7,369 million"],
  "Selling, general and administrative expenses | 19,232 9,049 1,862 (2,724) 271 27,690 6,539 18,795 7,197")
q(FS, "number", "What was 3M's net income including noncontrolling interest for 2021?",
  "$5,929 million", ["$5,921 million", "$5,791 million", "$5,919 million"],
  "Net income including noncontrolling interest | 11 5,791 10 5,929 (5) 5,453")
q(FS, "number", "What did 3M report as other expense (income), net for 2021?",
  "$165 million", ["$147 million", "$366 million", "$178 million"],
  "Other expense (income), net | 147 165 366")
q(FS, "number", "What income before income taxes did 3M earn in 2021?",
  "$7,204 million", ["$7,369 million", "$6,392 million", "$6,795 million"],
  "Income before income taxes | 6,392 612 5,780 7,204 1,285 5,919")
q(FS, "number", "What was 3M's income of consolidated group in 2022?",
  "$5,780 million", ["$5,791 million", "$5,777 million", "$5,919 million"],
  "Income of consolidated group | 6,392 612 5,780")
q(FS, "number", "What diluted earnings per share did 3M report for 2020?",
  "$9.36", ["$9.43", "$10.12", "$10.18"],
  "Earnings per share attributable to 3M common shareholders — diluted | 567.6 10.18 $ 585.3 10.12 $ 582.2 9.36")


if __name__ == "__main__":
    check_qa.build_set(Q, DOC, PAGES, SECTIONS, SEED, OUT, check_qa.positions_within_one,
                       other_sets=OTHER_SETS, overlaps="--overlaps" in sys.argv)
