#!/usr/bin/env python3
"""Source of the 3M FY2022 10-K multiple-choice QA set, and the script that writes the splits.

Every question below was written by reading data/3m/3M_2022_10K.txt. Each entry gives the
correct answer first, then three same-type distractors, then the evidence (a verbatim passage of
the report after whitespace normalisation, or a table row written "label | cell | cell").
Running this script:
  * checks every entry against the whole 10-K text with check_qa.py's build checks (evidence rule,
    4 distinct non-empty choices, valid type and section, no duplicate questions, neither question
    nor answer copying >= 12 consecutive words of the report); nothing is written if any fails,
  * splits the questions topic-stratified (stratum = `section`), seed SEED, about 1/3 held out,
  * places the correct answer at a balanced, seeded-random position 0..3 (other choices shuffled),
  * writes qa.jsonl (dev/rest) and qa_heldout.jsonl (held-out), each via a temp file and a rename.

THIS FILE CONTAINS THE ANSWERS. Like qa*.jsonl it must never be read by any training-data
generator (see README.md).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_qa  # noqa: E402  (the checks and the writer, shared)

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20230208  # the 10-K filing date
HELDOUT_FRACTION = 1 / 3

Q = []


def q(section, typ, question, answer, distractors, evidence):
    assert len(distractors) == 3, question
    Q.append(dict(section=section, type=typ, question=question, answer=answer,
                  distractors=list(distractors), evidence=evidence))


# Section labels (also the strata of the split)
GEN = "Cover page / General"
BUS = "Item 1 Business"
EXE = "Item 1 Business - Executive officers"
RISK = "Item 1A Risk Factors"
PROP = "Item 2 Properties / Item 5 Market for common equity"
OVR = "Item 7 MD&A - Overview and results of operations"
SEG = "Item 7 MD&A - Performance by business segment"
GEO = "Item 7 MD&A - Performance by geographic area"
CAE = "Item 7 MD&A - Critical accounting estimates (pension, goodwill)"
LIQ = "Item 7 MD&A - Financial condition, liquidity and cash flows"
MKT = "Item 7A Market risk"
AUD = "Item 8 Auditor's report and controls (incl. Item 9A)"
FS = "Item 8 Financial statements"
N_DIV = "Notes 2-3 Revenue, acquisitions and divestitures"
N_OTH = "Notes 1, 4-9 Accounting policies, goodwill, restructuring, supplemental"
N_TAX = "Note 10 Income taxes"
N_DEBT = "Notes 12, 14 Debt and derivatives"
N_PEN = "Note 13 Pension and postretirement plans"
N_RESP = "Note 16 Legal - respirator mask/asbestos and Aearo"
N_PFAS = "Note 16 Legal - PFAS and environmental matters"
N_CAE = "Note 16 Legal - Combat Arms Earplugs and other litigation"
N_MISC = "Notes 15, 17-19 Fair value, stock compensation, segments"
SECTIONS = {GEN, BUS, EXE, RISK, PROP, OVR, SEG, GEO, CAE, LIQ, MKT, AUD, FS,
            N_DIV, N_OTH, N_TAX, N_DEBT, N_PEN, N_RESP, N_PFAS, N_CAE, N_MISC}

# ---------------------------------------------------------------- cover page / general
q(GEN, "entity", "In which U.S. state is 3M Company incorporated?",
  "Delaware", ["Minnesota", "New York", "Ohio"],
  "State of Incorporation: Delaware")
q(GEN, "date", "In what year was 3M Company incorporated?",
  "1929", ["1902", "1916", "1935"],
  "3M Company was incorporated in 1929 under the laws of the State of Delaware to continue operations begun in 1902.")
q(GEN, "date", "In what year did the operations that 3M Company was incorporated to continue originally begin?",
  "1902", ["1929", "1916", "1896"],
  "3M Company was incorporated in 1929 under the laws of the State of Delaware to continue operations begun in 1902.")
q(GEN, "entity", "Where are 3M's principal executive offices located?",
  "St. Paul, Minnesota", ["Minneapolis, Minnesota", "Maplewood, Minnesota", "Chicago, Illinois"],
  "Principal executive offices: 3M Center, St. Paul, Minnesota 55144")
q(GEN, "number", "How many shares of 3M common stock were outstanding at January 31, 2023?",
  "550.5 million", ["549.2 million", "571.8 million", "566.0 million"],
  "Shares of common stock outstanding at January 31, 2023: 550.5 million")
q(GEN, "number", "What was the approximate aggregate market value of 3M voting stock held by nonaffiliates as of June 30, 2022?",
  "$73.7 billion", ["$63.3 billion", "$81.2 billion", "$68.4 billion"],
  "(approximately $73.7 billion as of June 30, 2022, the last business day of the registrant’s most recently completed second quarter)")
q(GEN, "number", "What was the approximate aggregate market value of 3M voting stock held by nonaffiliates as of January 31, 2023?",
  "$63.3 billion", ["$73.7 billion", "$58.9 billion", "$69.1 billion"],
  "was approximately $63.3 billion as of January 31, 2023")
q(GEN, "entity", "Besides the New York and Chicago stock exchanges, on which exchange is 3M common stock also traded?",
  "SIX Swiss Exchange", ["London Stock Exchange", "Euronext Paris", "Frankfurt Stock Exchange"],
  "Note: The common stock of the registrant is also traded on the SIX Swiss Exchange.")
q(GEN, "percent", "What is the coupon on 3M's exchange-listed notes that mature in 2023 (trading symbol MMM23)?",
  "0.950%", ["1.500%", "1.750%", "1.250%"],
  "0.950% Notes due 2023")
q(GEN, "date", "On what date was 3M's 2023 annual meeting of stockholders scheduled, per the 10-K?",
  "May 9, 2023", ["May 11, 2023", "April 25, 2023", "May 10, 2022"],
  "for its annual meeting to be held on May 9, 2023")
q(GEN, "date", "On what date was 3M's FY2022 Form 10-K filed (the date as of which executive officer data is presented)?",
  "February 8, 2023", ["January 31, 2023", "February 28, 2023", "March 1, 2023"],
  "This information is presented in the table below as of the date of the 10-K filing (February 8, 2023).")

# ---------------------------------------------------------------- Item 1 Business
q(BUS, "number", "Into how many business segments did 3M organize its operations in 2022?",
  "Four", ["Three", "Five", "Six"],
  "3M manages its operations in four business segments.")
q(BUS, "entity", "Roofing granules are a division of which 3M business segment?",
  "Safety and Industrial", ["Transportation and Electronics", "Consumer", "Health Care"],
  "Safety and Industrial • • • • • • • Abrasives Automotive aftermarket Closure and masking systems Electrical markets Industrial adhesives and tapes Personal safety Roofing granules")
q(BUS, "entity", "Display materials and systems is a division of which 3M business segment?",
  "Transportation and Electronics", ["Safety and Industrial", "Consumer", "Health Care"],
  "Transportation and Electronics • • • • • • Advanced materials Automotive and aerospace Commercial solutions Display materials and systems Electronics materials solutions Transportation safety")
q(BUS, "entity", "Oral care is a division of which 3M business segment?",
  "Health Care", ["Consumer", "Safety and Industrial", "Transportation and Electronics"],
  "Health Care • • • • • Health information systems Medical solutions Oral care Separation and purification sciences Food safety (divested in 2022)")
q(BUS, "entity", "Stationery and office is a division of which 3M business segment?",
  "Consumer", ["Safety and Industrial", "Health Care", "Transportation and Electronics"],
  "Consumer • • • • Consumer health and safety Home care Home improvement Stationery and office")
q(BUS, "entity", "Which Health Care division does 3M's segment overview mark as divested in 2022?",
  "Food safety", ["Drug delivery", "Oral care", "Health information systems"],
  "Food safety (divested in 2022)")
q(BUS, "entity", "3M's Tegaderm wound dressings are an example brand of which business segment?",
  "Health Care", ["Consumer", "Safety and Industrial", "Transportation and Electronics"],
  "3M ™ Tegaderm™ wound dressings, V.A.C.® Therapy Systems and disposable respirators in the health care channel")
q(BUS, "entity", "3M Novec Engineered Fluids are listed as an example offering of which business segment?",
  "Transportation and Electronics", ["Safety and Industrial", "Health Care", "Consumer"],
  "• 3M™ Nextel™ Ceramic fibers and textiles • Thinsulate™ Acoustic Insulation products and automotive components • 3M™ Novec™ Engineered Fluids")
q(BUS, "entity", "3M Cubitron II abrasives are an example brand of which business segment?",
  "Safety and Industrial", ["Consumer", "Transportation and Electronics", "Health Care"],
  "Example brands/offerings • 3M™ Cubitron™ II abrasives")
q(BUS, "entity", "Post-it products are an example brand of which 3M business segment?",
  "Consumer", ["Safety and Industrial", "Transportation and Electronics", "Health Care"],
  "• Scotch® tapes and other products, Filtrete™ filters and Command™ adhesive products • Post-it® products")
q(BUS, "entity", "3M Clarity aligners are an example brand of which business segment?",
  "Health Care", ["Consumer", "Safety and Industrial", "Transportation and Electronics"],
  "3M™ Filtek™ and 3M™ RelyX™ dental filing materials and cements; 3M™ Clarity™ aligners")
q(BUS, "entity", "3M Diamond Grade DG3 reflective sheeting is an example offering of which business segment?",
  "Transportation and Electronics", ["Safety and Industrial", "Consumer", "Health Care"],
  "• Electronic interconnect products • 3M™ Diamond Grade™ DG3 reflective sheeting for transportation safety")
q(BUS, "date", "In which quarter does back-to-school seasonality generally affect 3M's Consumer segment?",
  "Third quarter", ["First quarter", "Second quarter", "Fourth quarter"],
  "Some seasonality impacts this business segment related to back-to-school, generally in the third quarter of each year")
q(BUS, "number", "Approximately how many people (full-time equivalents) did 3M employ at December 31, 2022?",
  "92,000", ["95,000", "88,000", "97,000"],
  "On December 31, 2022, the Company employed approximately 92,000 people (full-time equivalents)")
q(BUS, "number", "Approximately how many of 3M's employees were based in the United States at the end of 2022?",
  "37,000", ["55,000", "54,000", "42,000"],
  "with approximately 37,000 employed in the United States and 55,000 employed internationally")
q(BUS, "number", "Approximately how many of 3M's employees were employed outside the United States at the end of 2022?",
  "55,000", ["37,000", "60,000", "48,000"],
  "with approximately 37,000 employed in the United States and 55,000 employed internationally")
q(BUS, "number", "In how many languages does 3M's global online employee learning platform offer development resources?",
  "Over 15", ["Over 10", "Over 25", "Over 40"],
  "development resources in over 15 languages")
q(BUS, "number", "What is the size of 3M's 2020-2025 workforce-development investment pledge aimed at racial opportunity gaps?",
  "$50 million", ["$25 million", "$100 million", "$75 million"],
  "The Company also plans to invest $50 million over 2020 to 2025 to address racial opportunity gaps")
q(BUS, "entity", "What is the name of the internal forum, led by senior management, that advances 3M's diversity, equity and inclusion initiatives?",
  "CEO Inclusion Council", ["Global Diversity Board", "Equity Leadership Committee", "Chairman's Inclusion Forum"],
  "3M supports these values with an internal CEO Inclusion Council, a forum led by senior management to advance diversity, equity, and inclusion initiatives.")
q(BUS, "number", "What is the minimum weekly hours a regular part-time U.S. employee must work for some 3M benefits to be available?",
  "20 hours", ["15 hours", "25 hours", "30 hours"],
  "Some of these benefits can also be available to regular part-time employees who work at least 20 hours a week.")
q(BUS, "fact", "On a consolidated basis, what raw-material price trend did 3M experience in 2022?",
  "Net raw material price inflation", ["Net raw material price deflation", "Flat raw material prices", "Deflation in all regions except Asia"],
  "Overall, on a consolidated basis, 3M experienced net raw material price inflation in 2022.")
q(BUS, "number", "Approximately how much did 3M spend on capital projects for environmental purposes in 2022?",
  "$317 million", ["$646 million", "$270 million", "$185 million"],
  "In 2022, 3M expended approximately $317 million on capital projects for environmental purposes")
q(BUS, "number", "What aggregate amount does 3M expect to spend on environmental capital projects in 2023 and 2024 combined?",
  "Approximately $646 million", ["Approximately $317 million", "Approximately $500 million", "Approximately $820 million"],
  "Capital expenditures for similar projects are presently expected to approach approximately $646 million for 2023 and 2024 in aggregate.")
q(BUS, "fact", "According to 3M, how important is any single patent or group of related patents to the company as a whole?",
  "No single patent or group of related patents is essential", ["Its Cubitron patents are essential to Safety and Industrial", "Its PFAS patents are essential to the whole company", "Its Post-it patents are essential to Consumer"],
  "In general, no single patent or group of related patents is in itself essential to the Company as a whole or to any of the Company’s business segments.")

# ---------------------------------------------------------------- executive officers
q(EXE, "entity", "Who was 3M's Chairman of the Board and Chief Executive Officer at the time of the FY2022 10-K?",
  "Michael F. Roman", ["Monish Patolawala", "John P. Banovetz", "Michael G. Vale"],
  "Michael F. Roman 63 Chairman of the Board and Chief Executive Officer")
q(EXE, "number", "What was the age of 3M's Chairman and CEO Michael F. Roman as of the 10-K filing?",
  "63", ["59", "61", "56"],
  "Michael F. Roman 63 Chairman of the Board and Chief Executive Officer")
q(EXE, "date", "In what year was Michael F. Roman elected to his present position of Chairman of the Board and CEO?",
  "2019", ["2018", "2017", "2021"],
  "Chairman of the Board and Chief Executive Officer 2019 Chief Executive Officer, 2018-2019")
q(EXE, "entity", "Who was 3M's Executive Vice President, Chief Financial and Transformation Officer?",
  "Monish Patolawala", ["Eric D. Hammes", "Kevin H. Rhodes", "Mark Murphy"],
  "Monish Patolawala 53 Executive Vice President, Chief Financial and Transformation Officer")
q(EXE, "entity", "At which company was 3M CFO Monish Patolawala previously Chief Financial Officer of the Health Care business?",
  "General Electric", ["Abbott Laboratories", "Mattel", "Medtronic"],
  "Chief Financial Officer, Health Care, General Electric, 2015-2019")
q(EXE, "entity", "Who was 3M's Executive Vice President, Chief Legal Affairs Officer?",
  "Kevin H. Rhodes", ["Eric D. Hammes", "Zoe Dickson", "Peter D. Gibbons"],
  "Kevin H. Rhodes 60 Executive Vice President, Chief Legal Affairs Officer")
q(EXE, "entity", "Before joining 3M, Chief Information and Digital Officer Mark Murphy was Chief Information Officer of which company?",
  "Abbott Laboratories", ["General Electric", "Mattel", "Target"],
  "Chief Information Officer, Abbott Laboratories, 2020-2021")
q(EXE, "entity", "Who was Group President of 3M's Transportation & Electronics business?",
  "Ashish K. Khandpur", ["Michael G. Vale", "Jeffrey R. Lavers", "Peter D. Gibbons"],
  "Ashish K. Khandpur 55 Group President, Transportation & Electronics")
q(EXE, "entity", "Who was Group President of 3M's Safety & Industrial Business Group?",
  "Michael G. Vale", ["Ashish K. Khandpur", "Jeffrey R. Lavers", "Eric D. Hammes"],
  "Michael G. Vale 56 Group President, Safety & Industrial Business Group")
q(EXE, "entity", "Which executive served as Interim Group President of the Health Care Business Group in addition to leading Consumer?",
  "Jeffrey R. Lavers", ["Michael G. Vale", "Ashish K. Khandpur", "Karina Chavez"],
  "Jeffrey R. Lavers 59 Group President, Consumer Business Group and Interim Group President, Health Care Business Group")
q(EXE, "entity", "Who was 3M's Executive Vice President and Chief Human Resources Officer?",
  "Zoe Dickson", ["Karina Chavez", "Mark Murphy", "Kevin H. Rhodes"],
  "Zoe Dickson 49 Executive Vice President and Chief Human Resources Officer")
q(EXE, "entity", "Who was 3M's Chief Technology Officer (EVP, Chief Technology Officer and Environmental Responsibility)?",
  "John P. Banovetz", ["Ashish K. Khandpur", "Eric D. Hammes", "Mark Murphy"],
  "John P. Banovetz 55 Executive Vice President, Chief Technology Officer and Environmental Responsibility")
q(EXE, "entity", "Who was 3M's Senior Vice President and Chief Strategy Officer?",
  "Karina Chavez", ["Zoe Dickson", "Peter D. Gibbons", "Jeffrey R. Lavers"],
  "Karina Chavez 49 Senior Vice President and Chief Strategy Officer")
q(EXE, "entity", "Before becoming 3M's Group President, Enterprise Operations, Peter D. Gibbons was CEO of which company?",
  "Tirehub", ["Goodyear", "Abbott Laboratories", "General Electric"],
  "Chief Executive Officer, Tirehub, 2018-2021")
q(EXE, "entity", "Who held the title Executive Vice President, Chief Country Governance and Services Officer at 3M?",
  "Eric D. Hammes", ["Kevin H. Rhodes", "Monish Patolawala", "John P. Banovetz"],
  "Eric D. Hammes 48 Executive Vice President, Chief Country Governance and Services Officer")
q(EXE, "entity", "Who signed the FY2022 10-K as 3M's Senior Vice President, Corporate Controller and Chief Accounting Officer?",
  "Theresa E. Reinseth", ["Eric D. Hammes", "Amy E. Hood", "Pamela J. Craig"],
  "/s/ Michael F. Roman /s/ Theresa E. Reinseth")
# ---------------------------------------------------------------- Item 1A risk factors
q(RISK, "number", "In how many countries does 3M say it operates?",
  "More than 70", ["More than 50", "More than 100", "More than 200"],
  "The Company operates in more than 70 countries")
q(RISK, "percent", "Approximately what share of 3M's revenues is derived from outside the United States?",
  "About 60 percent", ["About 40 percent", "About 50 percent", "About 70 percent"],
  "derives approximately 60 percent of its revenues from outside the United States")
q(RISK, "date", "When did 3M suspend the operations of its subsidiaries in Russia?",
  "March 2022", ["February 2022", "September 2022", "June 2022"],
  "3M suspended operations of its subsidiaries in Russia in March 2022")
q(RISK, "date", "In which month of 2022 did 3M decide to dispose of its Russian subsidiaries via a planned sale?",
  "September", ["March", "July", "December"],
  "in September 2022, committed to a plan to exit the related net assets through an intended sale of the subsidiaries")
q(RISK, "date", "In what year did 3M announce it would voluntarily phase out production of PFOA and PFOS globally?",
  "2000", ["2002", "2008", "1998"],
  "3M announced in 2000 that we would voluntarily phase out production of two PFAS substances")
q(RISK, "date", "By when were most of 3M's U.S. PFOA/PFOS phase-out activities completed?",
  "End of 2002", ["End of 2000", "End of 2005", "End of 2008"],
  "with most of these activities in the U.S. completed by the end of 2002")
q(RISK, "date", "By what date did 3M commit, in December 2022, to exit all PFAS manufacturing?",
  "End of 2025", ["End of 2023", "End of 2027", "End of 2030"],
  "exiting all PFAS manufacturing by the end of 2025")
q(RISK, "date", "When did 3M announce its plan to exit PFAS manufacturing and discontinue PFAS use across its portfolio?",
  "December 2022", ["July 2022", "September 2022", "March 2023"],
  "3M announced in December 2022 it will take two actions: exiting all PFAS manufacturing by the end of 2025")
q(RISK, "number", "What pre-tax charge did 3M recognize in Q4 2022 in connection with its PFAS manufacturing exit announcement?",
  "$0.8 billion", ["$1.2 billion", "$0.3 billion", "$2.3 billion"],
  "The Company recognized a $0.8 billion pre-tax charge in the fourth quarter of 2022 associated with this announcement related to asset impairments")
q(RISK, "number", "What pre-tax charge did 3M record in Q1 2018 for settling the State of Minnesota PFAS natural-resources matter?",
  "$897 million", ["$850 million", "$1.2 billion", "$355 million"],
  "we recorded a pre-tax charge of $897 million, inclusive of legal fees and other related obligations, in the first quarter of 2018")
q(RISK, "entity", "What does the acronym AFFF stand for in 3M's PFAS disclosures?",
  "Aqueous Film Forming Foam", ["Advanced Fluorinated Fire Fighting", "Aerosol Film Fire Foam", "Aqueous Fluoropolymer Flame Film"],
  "Phased out products included Aqueous Film Forming Foam (AFFF)")
q(RISK, "fact", "What credit rating did Moody's assign 3M as of December 2022?",
  "A1, stable outlook", ["Aa3, stable outlook", "A2, negative outlook", "A1, negative outlook"],
  "3M has a credit rating of A1, stable outlook from Moody's Investors Service")
q(RISK, "fact", "What credit rating did S&P Global Ratings assign 3M as of December 2022?",
  "A+, CreditWatch negative", ["AA-, stable outlook", "A+, stable outlook", "A, CreditWatch positive"],
  "a credit rating of A+, CreditWatch negative from S&P Global Ratings")
q(RISK, "date", "On what date did Aearo Technologies and related entities voluntarily initiate chapter 11 proceedings?",
  "July 26, 2022", ["June 26, 2022", "August 26, 2022", "September 1, 2022"],
  "On July 26, 2022, Aearo Technologies and certain of its related entities (“Aearo Entities\"), all wholly owned subsidiaries of the Company, voluntarily initiated chapter 11 proceedings")
q(RISK, "date", "In what year did 3M acquire the Aearo Entities?",
  "2008", ["2003", "2015", "2010"],
  "Aearo Entities were acquired by the Company in 2008")
q(RISK, "fact", "Which product line's litigation was the Aearo chapter 11 trust mainly set up to address (together with mask/respirator claims)?",
  "Dual-Ended Combat Arms Version 2 earplugs", ["Bair Hugger patient warming systems", "Scott Safety breathing apparatus", "8710 respirators sold by 3M"],
  "to address potential liabilities related to Dual-Ended Combat Arms – Version 2 earplugs and mask/respirator products historically manufactured and sold by Aearo Entities")
q(RISK, "date", "On what date did 3M announce its intent to spin off its Health Care business?",
  "July 26, 2022", ["March 15, 2022", "September 1, 2022", "February 8, 2023"],
  "On July 26, 2022, the Company announced its intent to spin off its Health Care business, resulting in two standalone public companies")
q(RISK, "fact", "Which of the following is listed by 3M as a condition of the planned Health Care spin-off?",
  "Receipt of a private letter ruling from the IRS", ["A vote of 3M shareholders", "Completion of the Aearo chapter 11 plan", "Sale of the Food Safety business to a third party"],
  "the receipt of a private letter ruling from the Internal Revenue Service and a tax opinion from external counsel")
q(RISK, "entity", "What enterprise-wide system is 3M implementing in phases worldwide as part of its business transformation?",
  "An enterprise resource planning (ERP) system", ["A customer relationship management (CRM) system", "A manufacturing execution system (MES)", "A product lifecycle management (PLM) system"],
  "ongoing phased implementation of an enterprise resource planning (ERP) system as part of business transformation on a worldwide basis")

# ---------------------------------------------------------------- Item 2 properties / Item 5 equity
q(PROP, "number", "How many manufacturing facilities does 3M operate in the United States?",
  "61", ["83", "74", "52"],
  "The Company operates 61 manufacturing facilities in 29 states.")
q(PROP, "number", "In how many U.S. states does 3M operate manufacturing facilities?",
  "29", ["28", "33", "41"],
  "The Company operates 61 manufacturing facilities in 29 states.")
q(PROP, "number", "How many manufacturing and converting facilities does 3M operate outside the United States?",
  "83", ["61", "72", "95"],
  "Internationally, the Company operates 83 manufacturing and converting facilities in 28 countries.")
q(PROP, "number", "In how many countries outside the U.S. does 3M operate manufacturing and converting facilities?",
  "28", ["29", "35", "70"],
  "Internationally, the Company operates 83 manufacturing and converting facilities in 28 countries.")
q(PROP, "number", "How many shareholders of record did 3M have at January 31, 2023?",
  "62,488", ["65,112", "58,920", "71,304"],
  "At January 31, 2023, there were 62,488 shareholders of record.")
q(PROP, "number", "What cash dividend per share did 3M declare and pay in each quarter of 2022?",
  "$1.49", ["$1.48", "$1.50", "$1.47"],
  "Cash dividends declared and paid totaled $1.49 and $1.48 per share for each quarter in 2022 and 2021, respectively.")
q(PROP, "number", "How large is the share repurchase program 3M's Board authorized in November 2018?",
  "Up to $10 billion", ["Up to $5 billion", "Up to $15 billion", "Up to $8 billion"],
  "This new program authorizes the repurchase of up to $10 billion of 3M’s outstanding common stock, with no pre-established end date.")
q(PROP, "number", "How many 3M shares in total were purchased in 2022 (including shares bought in connection with option exercises)?",
  "10,652,831", ["4,775,130", "4,211,954", "12,831,604"],
  "January 1 - December 31, 2022 | 10,652,831")
q(PROP, "number", "What was the average price paid per 3M share repurchased over the full year 2022?",
  "$134.31", ["$155.51", "$118.27", "$176.61"],
  "January 1 - December 31, 2022 | 10,652,831 | 134.31")

# ---------------------------------------------------------------- Item 7 overview / results of operations
q(OVR, "number", "Approximately how much did 3M's costs for significant litigation total in 2022 (pre-tax)?",
  "$2.3 billion", ["$1.3 billion", "$0.8 billion", "$2.7 billion"],
  "In 2022, 3M's costs for significant litigation (see Certain amounts adjusted for special items - (non-GAAP measures section below) totaled approximately $2.3 billion pre-tax")
q(OVR, "number", "What pre-tax gain did 3M record in 2022 on the split-off of its Food Safety business?",
  "$2.7 billion", ["$2.8 billion", "$2.0 billion", "$1.0 billion"],
  "In the third quarter of 2022, 3M recorded a pre-tax gain of $2.7 billion ($2.7 billion after tax) related to the split-off and combination of its Food Safety business with Neogen Corporation.")
q(OVR, "entity", "With which company was 3M's Food Safety business combined in the 2022 split-off?",
  "Neogen Corporation", ["Kenvue", "Altaris Capital Partners", "Avon Rubber p.l.c"],
  "related to the split-off and combination of its Food Safety business with Neogen Corporation")
q(OVR, "entity", "In which country is the Zwijndrecht site where 3M faced PFAS-related manufacturing interruptions?",
  "Belgium", ["The Netherlands", "Germany", "France"],
  "3M Belgium has experienced interruptions to portions of the manufacturing at its site in Zwijndrecht, Belgium")
q(OVR, "percent", "Net sales of 3M's Russian subsidiaries represented what share of 3M's consolidated 2021 net sales?",
  "Less than one percent", ["About two percent", "About three percent", "About five percent"],
  "the net sales of which were less than one percent of 3M’s consolidated net sales for 2021")
q(OVR, "percent", "What was 3M's GAAP operating income margin in 2022?",
  "19.1%", ["20.8%", "22.2%", "22.3%"],
  "Operating income margin | 19.1 % | 20.8 %")
q(OVR, "number", "What was 3M's diluted earnings per share (GAAP) for 2022?",
  "$10.18", ["$10.12", "$10.10", "$10.21"],
  "Earnings per share attributable to 3M common shareholders — diluted | 10.18 | 10.12 | 9.36")
q(OVR, "number", "What was 3M's basic earnings per share for 2022?",
  "$10.21", ["$10.18", "$10.23", "$9.43"],
  "Earnings per share attributable to 3M common shareholders — basic | 10.21 | 10.23 | 9.43")
q(OVR, "number", "What was 3M's 2022 diluted EPS excluding special items (adjusted, non-GAAP)?",
  "$10.10", ["$10.18", "$10.73", "$9.29"],
  "Current period, excluding special items | 10.10")
q(OVR, "number", "How much did the decline in disposable respirator demand reduce 3M's 2022 earnings per share year-on-year?",
  "$0.29", ["$0.85", "$0.12", "$0.56"],
  "Declines in disposable respirator demand year-on-year negatively impacted operating margins by 0.3 percent and earnings per share by $0.29.")
q(OVR, "number", "What pre-tax benefit did 3M record in Q2 2021 from the Brazilian Supreme Court decision on past social taxes?",
  "$91 million", ["$127 million", "$55 million", "$163 million"],
  "2021 benefit of $91 million pre-tax ($0.12 per share after tax) from a favorable Brazilian Supreme Court decision")
q(OVR, "number", "By approximately how much did foreign currency impacts (net of hedging) decrease 3M's operating income in 2022?",
  "$271 million", ["$103 million", "$280 million", "$127 million"],
  "Foreign currency impacts (net of hedging) decreased operating income by approximately $271 million and $103 million")
q(OVR, "percent", "What was 3M's effective (GAAP) income tax rate for 2022?",
  "9.6%", ["17.8%", "19.7%", "17.7%"],
  "Overall, the effective tax rates for 2022, 2021, and 2020 were 9.6 percent, 17.8 percent, and 19.7 percent, respectively.")
q(OVR, "percent", "What was 3M's effective income tax rate for 2021?",
  "17.8%", ["9.6%", "19.7%", "18.1%"],
  "Overall, the effective tax rates for 2022, 2021, and 2020 were 9.6 percent, 17.8 percent, and 19.7 percent, respectively.")
q(OVR, "percent", "What was 3M's adjusted (non-GAAP) effective tax rate for 2022?",
  "17.7%", ["9.6%", "18.1%", "20.5%"],
  "On an adjusted basis (as discussed below), the effective tax rates for 2022, 2021, and 2020 were 17.7 percent, 18.1 percent, and 20.5 percent, respectively.")
q(OVR, "fact", "What was the primary factor that lowered 3M's effective tax rate in 2022?",
  "The tax-efficient structure of the gain on the Food Safety split-off", ["A release of valuation allowances on foreign losses", "Higher U.S. R&D tax credits", "Settlement of the IRS audit of 2005-2017"],
  "The primary factors that decreased the Company's effective tax rate for 2022 were the tax efficient structure associated with the gain on split-off of the Food Safety business")
q(OVR, "entity", "In which business segment were 3M's 2022 PFAS manufacturing exit costs (asset impairments) reflected?",
  "Transportation and Electronics", ["Safety and Industrial", "Corporate and Unallocated", "Health Care"],
  "Charges for the applicable period relate to asset impairments. These charges were reflected within the Transportation and Electronics business segment.")
q(OVR, "percent", "What was 3M's cost of sales as a percent of net sales in 2022?",
  "56.2%", ["53.2%", "26.5%", "58.1%"],
  "Cost of sales | 56.2 % | 53.2 %")
q(OVR, "percent", "What were 3M's SG&A expenses as a percent of net sales in 2022?",
  "26.5%", ["20.4%", "24.1%", "19.1%"],
  "Selling, general and administrative expenses (SG&A) | 26.5 | 20.4")
q(OVR, "percent", "What were 3M's research, development and related expenses as a percent of net sales in 2022?",
  "5.4%", ["5.6%", "6.1%", "4.8%"],
  "Research, development and related expenses (R&D) | 5.4 | 5.6")
q(OVR, "entity", "To which reporting unit did 3M's 2022 goodwill impairment charge relate?",
  "Advanced Materials", ["Electronics Materials Solutions", "Display Materials and Systems", "Personal Safety"],
  "3M recorded a goodwill impairment charge related to the Advanced Materials reporting unit (within the Transportation and Electronics business).")
q(OVR, "number", "By how much did 3M's non-service pension and postretirement net benefit decrease in 2022?",
  "$49 million", ["$163 million", "$30 million", "$248 million"],
  "The non-service pension and postretirement net benefit decreased $49 million and increased $163 million in 2022 and 2021, respectively.")
q(OVR, "entity", "Which equity-method investee, whose remaining stake 3M sold in Q4 2022, generated 3M's income from unconsolidated subsidiaries?",
  "Kindeva", ["Neogen", "Aearo Technologies", "Acelity"],
  "In the fourth quarter of 2022, 3M sold its remaining ownership interest in Kindeva resulting in an immaterial gain.")
q(OVR, "percent", "What is 3M's effective ownership of 3M India Limited, its primary noncontrolling-interest entity?",
  "75 percent", ["51 percent", "60 percent", "90 percent"],
  "The primary noncontrolling interest relates to 3M India Limited, of which 3M’s effective ownership is 75 percent.")
q(OVR, "number", "What was 3M's net income attributable to noncontrolling interest in 2022?",
  "$14 million", ["$8 million", "$29 million", "$4 million"],
  "Net income (loss) attributable to noncontrolling interest $ 2021 14 $ 8")
q(OVR, "fact", "Why did 3M's Other corporate expense-net increase in 2022 versus 2021?",
  "It lapped a $91 million Brazilian social-tax benefit recorded in 2021", ["It absorbed the $1.2 billion Combat Arms charge", "It included the Russia exit charge", "It included the PFAS goodwill impairment"],
  "Other corporate operating expenses, net, increased when compared to the same period last year primarily due to a $91 million pre-tax benefit from the impact of the favorable decision of the Brazilian Supreme Court included in the second quarter of 2021")
# ---------------------------------------------------------------- Item 7 segments
q(SEG, "number", "What were 3M's Safety and Industrial segment net sales in 2022?",
  "$11,604 million", ["$11,981 million", "$10,972 million", "$8,902 million"],
  "Safety and Industrial Business (33.9% of consolidated sales): 2022 Sales (millions) Sales change analysis: Organic sales Translation Total sales change $ Business segment operating income (loss) (millions) Percent change Percent of sales Adjusted business segment operating income (millions) (non-GAAP measure) Percent change Percent of sales 2021 11,604 $ 11,981")
q(SEG, "percent", "What share of 3M's 2022 consolidated sales came from the Safety and Industrial segment?",
  "33.9%", ["26.0%", "24.6%", "38.5%"],
  "Safety and Industrial Business (33.9% of consolidated sales):")
q(SEG, "entity", "Which 3M business segment accounted for 24.6% of 2022 consolidated sales?",
  "Health Care", ["Transportation and Electronics", "Consumer", "Safety and Industrial"],
  "Health Care Business (24.6% of consolidated sales):")
q(SEG, "entity", "Which 3M business segment accounted for 26.0% of 2022 consolidated sales?",
  "Transportation and Electronics", ["Health Care", "Safety and Industrial", "Consumer"],
  "Transportation and Electronics Business (26.0% of consolidated sales):")
q(SEG, "percent", "What share of 3M's 2022 consolidated sales came from the Consumer segment?",
  "15.5%", ["24.6%", "18.8%", "12.9%"],
  "Consumer Business (15.5% of consolidated sales):")
q(SEG, "number", "What was the Safety and Industrial segment's GAAP operating income in 2022?",
  "$1,199 million", ["$2,466 million", "$2,613 million", "$1,012 million"],
  "2021 11,604 $ 11,981 1.0 % (4.2) (3.2 %) 7.3 % 1.9 9.2 % $ 1,199 $ (51.4 %) 10.3 %")
q(SEG, "percent", "By what percentage did Safety and Industrial's GAAP operating income decline in 2022?",
  "51.4%", ["46.2%", "10.9%", "14.4%"],
  "2021 11,604 $ 11,981 1.0 % (4.2) (3.2 %) 7.3 % 1.9 9.2 % $ 1,199 $ (51.4 %) 10.3 %")
q(SEG, "number", "What was Safety and Industrial's adjusted (non-GAAP) business segment operating income in 2022?",
  "$2,613 million", ["$2,715 million", "$1,199 million", "$2,466 million"],
  "Safety and Industrial Business (33.9% of consolidated sales): 2022 Sales (millions) Sales change analysis: Organic sales Translation Total sales change $ Business segment operating income (loss) (millions) Percent change Percent of sales Adjusted business segment operating income (millions) (non-GAAP measure) Percent change Percent of sales 2021 11,604 $ 11,981 1.0 % (4.2) (3.2 %) 7.3 % 1.9 9.2 % $ 1,199 $ (51.4 %) 10.3 % 2,466 (4.7 %) 20.6 % $ 2,613")
q(SEG, "number", "What was the Transportation and Electronics segment's GAAP operating income in 2022?",
  "$1,012 million", ["$1,880 million", "$1,812 million", "$1,199 million"],
  "Transportation and Electronics Business (26.0% of consolidated sales): 2022 2021 Sales (millions) Sales change analysis: Organic sales Divestitures Translation Total sales change $ 8,902 Business segment operating income (millions) Percent change Percent of sales $ 1,012")
q(SEG, "number", "What were the Transportation and Electronics segment's net sales in 2022?",
  "$8,902 million", ["$9,262 million", "$8,421 million", "$8,406 million"],
  "Transportation and Electronics Business (26.0% of consolidated sales): 2022 2021 Sales (millions) Sales change analysis: Organic sales Divestitures Translation Total sales change $ 8,902")
q(SEG, "number", "What were the Health Care segment's net sales in 2022?",
  "$8,421 million", ["$8,597 million", "$8,902 million", "$7,832 million"],
  "Health Care Business (24.6% of consolidated sales): 2022 Sales (millions) Sales change analysis: Organic sales Divestitures Translation Total sales change $ Business segment operating income (millions) Percent change Percent of sales $ 2021 8,421")
q(SEG, "number", "What was the Health Care segment's operating income in 2022?",
  "$1,815 million", ["$2,037 million", "$1,012 million", "$1,519 million"],
  "Health Care Business (24.6% of consolidated sales): 2022 Sales (millions) Sales change analysis: Organic sales Divestitures Translation Total sales change $ Business segment operating income (millions) Percent change Percent of sales $ 2021 8,421 3.2 (1.4) (3.8) (2.0) $ % % 1,815")
q(SEG, "number", "What were the Consumer segment's net sales in 2022?",
  "$5,298 million", ["$5,513 million", "$4,976 million", "$5,928 million"],
  "Consumer Business (15.5% of consolidated sales): 2022 Sales (millions) Sales change analysis: Organic sales Divestitures Translation Total sales change $ Business segment operating income (millions) Percent change Percent of sales $ 2021 5,298")
q(SEG, "number", "What was the Consumer segment's operating income in 2022?",
  "$994 million", ["$1,162 million", "$1,012 million", "$1,199 million"],
  "(2.6) (3.9) (14.4) 18.8 $ % % 994 $ % % 5,513")
q(SEG, "entity", "Which 3M business segment had negative organic sales growth in 2022?",
  "Consumer", ["Safety and Industrial", "Transportation and Electronics", "Health Care"],
  "Consumer Business (15.5% of consolidated sales): 2022 Sales (millions) Sales change analysis: Organic sales Divestitures Translation Total sales change $ Business segment operating income (millions) Percent change Percent of sales $ 2021 5,298 (0.9)")
q(SEG, "entity", "Which 3M business segment had the highest organic sales growth in 2022?",
  "Health Care", ["Safety and Industrial", "Transportation and Electronics", "Consumer"],
  "Worldwide Sales Change By Business Segment Organic sales Safety and Industrial Transportation and Electronics Health Care Consumer Total Company Acquisitions 1.0 % 1.2 3.2 (0.9) 1.2")
q(SEG, "percent", "What was 3M's total-company organic sales growth in 2022?",
  "1.2%", ["-3.2%", "8.8%", "3.2%"],
  "Worldwide Sales Change By Business Segment Organic sales Safety and Industrial Transportation and Electronics Health Care Consumer Total Company Acquisitions 1.0 % 1.2 3.2 (0.9) 1.2")
q(SEG, "percent", "How much did 3M's total company net sales change in U.S. dollars in 2022 versus 2021?",
  "-3.2%", ["-3.9%", "+1.2%", "-11.3%"],
  "Worldwide $ 34,229 100.0 % 1.2 (0.5) (3.9) (3.2) %")
q(SEG, "percent", "How much did foreign currency translation change 3M's total net sales in 2022?",
  "-3.9%", ["-3.2%", "-0.5%", "+1.6%"],
  "Worldwide $ 34,229 100.0 % 1.2 (0.5) (3.9) (3.2) %")
q(SEG, "number", "What was 3M's Corporate and Unallocated operating income in 2022, boosted by the Food Safety divestiture gain?",
  "$1,519 million", ["$(176) million", "$2,724 million", "$994 million"],
  "Net Sales 1,199 $ 1,012 1,815 994 1,519 6,539 $")
q(SEG, "percent", "By what percentage did 3M's total operating income decline in 2022?",
  "11.3%", ["3.2%", "8.9%", "14.4%"],
  "35,355 100.0 % $ 7,369 (3.2)% (11.3) %")
q(SEG, "percent", "By how much did Safety and Industrial sales change in U.S. dollars in 2022?",
  "Down 3.2%", ["Down 3.9%", "Down 2.0%", "Up 1.0%"],
  "Sales in Safety and Industrial were down 3.2 percent in U.S. dollars.")
q(SEG, "percent", "By how much did Health Care sales change in U.S. dollars in 2022?",
  "Down 2.0%", ["Down 3.9%", "Down 3.2%", "Up 3.2%"],
  "Sales in Health Care were down 2.0 percent in U.S. dollars.")
q(SEG, "percent", "How many percentage points did the disposable respirator sales decline subtract from Safety and Industrial's 2022 organic growth?",
  "4.5 percentage points", ["1.0 percentage point", "3.2 percentage points", "6.1 percentage points"],
  "which negatively impacted year-on-year organic growth by 4.5 percentage points")
q(SEG, "entity", "Which Safety and Industrial division was the only one to see organic sales decline in 2022?",
  "Personal safety", ["Abrasives", "Roofing granules", "Electrical markets"],
  "Sales increased in electrical markets, abrasives, automotive aftermarket, roofing granules, closure and masking systems, and industrial adhesives and tapes and decreased in personal safety.")
q(SEG, "fact", "Which Transportation and Electronics businesses saw organic sales declines in 2022?",
  "Transportation safety and electronics", ["Automotive and aerospace and advanced materials", "Commercial solutions and advanced materials", "Automotive and aerospace and commercial solutions"],
  "Sales increased in automotive and aerospace, commercial solutions and advanced materials, and decreased in transportation safety and electronics.")
q(SEG, "fact", "What drove the divestiture impact on Transportation and Electronics sales in 2022?",
  "Deconsolidation of the Aearo Entities", ["Sale of the advanced ballistic-protection business", "The Food Safety split-off", "Exit of the Russian subsidiaries"],
  "Divestiture impact relates to lost Transportation and Electronics sales year-on-year from deconsolidation of the Aearo Entities in July 2022.")
q(SEG, "entity", "Within Health Care, which business had flat organic sales in 2022?",
  "Oral care", ["Separation and purification", "Health information systems", "Medical solutions"],
  "Sales increased in separation and purification, health information systems, food safety and medical solutions, and was flat in oral care.")
q(SEG, "entity", "Which Consumer division saw an organic sales decrease in 2022?",
  "Home improvement", ["Stationery and office", "Home care", "Consumer health and safety"],
  "Sales increased in stationery and office and home care, was flat in consumer health and safety, and decreased in home improvement.")
q(SEG, "percent", "What ownership position in the Health Care business does 3M expect to retain initially after the spin-off?",
  "19.9%", ["20.1%", "49.9%", "50.1%"],
  "3M expects to initially retain a 19.9% ownership position in the Health Care business.")
q(SEG, "percent", "By how much did Transportation and Electronics sales grow in U.S. dollars in 2021?",
  "10.2%", ["9.2%", "9.8%", "10.8%"],
  "Sales in Transportation and Electronics were up 10.2 percent in U.S. dollars.")
q(SEG, "percent", "By how much did Consumer segment sales grow in U.S. dollars in 2021?",
  "10.8%", ["9.8%", "10.2%", "9.2%"],
  "Sales in Consumer were up 10.8 percent in U.S. dollars.")
q(SEG, "fact", "Which consumer products did 3M cite as partially offsetting softer Consumer retail trends in 2022?",
  "Scotch Blue painter's tape, Scotch-Brite and Post-it solutions", ["Filtrete filters, Nexcare bandages and ACE braces", "Command adhesives, Meguiars car care and Futuro braces", "Scotchgard protectors, Thinsulate and Nexcare"],
  "These impacts were partially offset by demand for Scotch BlueTM painter’s tape, Scotch-BriteTM, and Post-it®-solutions.")

# ---------------------------------------------------------------- Item 7 geographic
q(GEO, "number", "What were 3M's net sales in the Americas in 2022?",
  "$18,400 million", ["$18,097 million", "$16,525 million", "$15,000 million"],
  "Americas Asia Pacific Europe, Middle East and Africa Other Unallocated Worldwide $ $ 2021 18,400 $ 9,901 5,928 — 34,229 $")
q(GEO, "number", "What were 3M's net sales in Asia Pacific in 2022?",
  "$9,901 million", ["$10,600 million", "$5,928 million", "$9,569 million"],
  "Americas Asia Pacific Europe, Middle East and Africa Other Unallocated Worldwide $ $ 2021 18,400 $ 9,901 5,928 — 34,229 $")
q(GEO, "number", "What were 3M's net sales in Europe, Middle East and Africa in 2022?",
  "$5,928 million", ["$6,660 million", "$9,901 million", "$6,109 million"],
  "Americas Asia Pacific Europe, Middle East and Africa Other Unallocated Worldwide $ $ 2021 18,400 $ 9,901 5,928 — 34,229 $")
q(GEO, "percent", "What share of 3M's 2022 worldwide sales came from the Americas?",
  "53.8%", ["51.2%", "28.9%", "60.0%"],
  "18,400 $ 53.8 % 9,901 $ 28.9 % 5,928 $ 17.3 %")
q(GEO, "percent", "How much did 3M's Americas net sales change in 2022?",
  "+1.7%", ["+2.6%", "-3.2%", "+9.5%"],
  "18,400 $ 53.8 % 9,901 $ 28.9 % 5,928 $ 17.3 % 2.6 (0.6) (0.3) 1.7 %")
q(GEO, "number", "What were 3M's net sales to customers in the United States in 2022?",
  "$15.0 billion", ["$13.9 billion", "$18.4 billion", "$16.2 billion"],
  "Americas included United States net sales to customers of $15.0 billion, $15.0 billion and $13.9 billion in 2022, 2021 and 2020, respectively.")
q(GEO, "number", "What were 3M's net sales to customers in China/Hong Kong in 2022?",
  "$3.8 billion", ["$4.0 billion", "$3.5 billion", "$5.9 billion"],
  "Asia Pacific included China/Hong Kong net sales to customers of $3.8 billion, $4.0 billion and $3.5 billion in 2022, 2021 and 2020, respectively.")
q(GEO, "fact", "How did 3M's total U.S. sales change in 2022?",
  "Flat, with organic sales up 1 percent", ["Up 8 percent", "Down 3 percent", "Up 1.7 percent, with organic sales up 2.6 percent"],
  "For the full year 2022, in the Americas geographic area, U.S. total sales were flat which included increased organic sales of 1 percent.")
q(GEO, "percent", "By how much did 3M's total sales in Mexico increase in 2022?",
  "8 percent", ["12 percent", "18 percent", "15 percent"],
  "Total sales in Mexico increased 8 percent which included increased organic sales of 12 percent.")
q(GEO, "percent", "What was 3M's organic sales growth in Canada in 2022?",
  "13 percent", ["9 percent", "11 percent", "12 percent"],
  "In Canada, total sales increased 9 percent which included increased organic sales of 13 percent.")
q(GEO, "percent", "By how much did 3M's total sales in Brazil increase in 2022?",
  "15 percent", ["12 percent", "18 percent", "22 percent"],
  "In Brazil, total sales increased 15 percent which included increased organic sales of 12 percent.")
q(GEO, "percent", "How did 3M's total sales in China change in 2022?",
  "Decreased 6 percent", ["Decreased 3 percent", "Increased 17 percent", "Decreased 12 percent"],
  "In the Asia Pacific geographic area, China total sales decreased 6 percent which included decreased organic sales of 3 percent.")
q(GEO, "percent", "How did 3M's total sales in Japan change in 2022?",
  "Decreased 12 percent", ["Decreased 6 percent", "Increased 2 percent", "Were flat"],
  "In Japan, total sales decreased 12 percent which included increased organic sales of 2 percent.")
q(GEO, "percent", "How much did 3M's U.S. total sales grow in 2021?",
  "8 percent", ["18 percent", "11 percent", "Flat"],
  "For the full year 2021, in the Americas geographic area, U.S. total sales increased 8 percent which included increased organic sales of 8 percent.")
q(GEO, "number", "How many employees did 3M have in Europe, Middle East and Africa at December 31, 2022?",
  "20,000", ["18,000", "21,000", "54,000"],
  "Americas Asia Pacific Europe, Middle East and Africa Total Company Employees as of December 31, 2022 2021 54,000 18,000 20,000 92,000")
q(GEO, "number", "How many employees did 3M have in the Americas at December 31, 2022?",
  "54,000", ["56,000", "37,000", "55,000"],
  "Americas Asia Pacific Europe, Middle East and Africa Total Company Employees as of December 31, 2022 2021 54,000 18,000 20,000 92,000")
q(GEO, "number", "How many employees did 3M have at December 31, 2021?",
  "95,000", ["92,000", "97,000", "89,000"],
  "Property, Plant and Equipment - net as of December 31, 2022 2021 Capital Spending 2022 56,000 18,000 21,000 95,000")
q(GEO, "number", "How much capital spending did 3M make in the Americas in 2022?",
  "$1,321 million", ["$1,046 million", "$1,749 million", "$246 million"],
  "$ $ 2021 1,321 $ 182 246 1,749 $ 1,046 216 341 1,603")
q(GEO, "number", "What was 3M's net property, plant and equipment in the Americas at December 31, 2022?",
  "$6,066 million", ["$5,864 million", "$5,662 million", "$9,178 million"],
  "$ $ 6,066 $ 1,389 1,723 9,178 $ 5,864 1,582 1,983 9,429")
q(GEO, "number", "What was 3M's United States net property, plant and equipment at December 31, 2022?",
  "$5,662 million", ["$5,484 million", "$6,066 million", "$9,178 million"],
  "United States net property, plant and equipment (PP&E) was $5,662 million and $5,484 million at December 31, 2022 and 2021, respectively.")
q(GEO, "number", "What was 3M's China/Hong Kong net property, plant and equipment at December 31, 2022?",
  "$518 million", ["$578 million", "$1,389 million", "$182 million"],
  "China/Hong Kong net property, plant and equipment (PP&E) was $518 million and $578 million at December 31, 2022 and 2021, respectively.")
# ---------------------------------------------------------------- Item 7 critical accounting estimates / pension summary
q(CAE, "percent", "How well funded were 3M's worldwide pension and postretirement plans at year-end 2022?",
  "96 percent", ["97 percent", "116 percent", "89 percent"],
  "On a worldwide basis, 3M’s pension and postretirement plans were 96 percent funded at year-end 2022.")
q(CAE, "percent", "What was the funded status of 3M's primary U.S. qualified pension plan at year-end 2022?",
  "97 percent", ["96 percent", "116 percent", "90 percent"],
  "The primary U.S. qualified pension plan, which is approximately 70 percent of the worldwide pension obligation, was 97 percent funded")
q(CAE, "percent", "What was the funded status of 3M's international pension plans at year-end 2022?",
  "116 percent", ["96 percent", "97 percent", "104 percent"],
  "was 97 percent funded and the international pension plans were 116 percent funded")
q(CAE, "percent", "Approximately what share of 3M's worldwide pension obligation does the primary U.S. qualified plan represent?",
  "About 70 percent", ["About 50 percent", "About 60 percent", "About 85 percent"],
  "The primary U.S. qualified pension plan, which is approximately 70 percent of the worldwide pension obligation")
q(CAE, "percent", "What were 2022 asset returns for 3M's primary U.S. qualified pension plan?",
  "-17.4%", ["-13.6%", "6.7%", "-7.5%"],
  "Asset returns in 2022 for the primary U.S. qualified pension plan were -17.4 percent")
q(CAE, "percent", "What expected long-term rate of return on plan assets did 3M set for its primary U.S. qualified pension plan for 2023?",
  "7.50%", ["6.00%", "5.18%", "4.61%"],
  "the expected long-term rate of return on an annualized basis for 2023 is 7.50%, an increase from 6.00% in 2022")
q(CAE, "percent", "What was the year-end 2022 discount rate for 3M's primary U.S. qualified pension plan?",
  "5.18%", ["2.89%", "5.25%", "4.39%"],
  "The primary U.S. qualified pension plan year-end 2022 discount rate was 5.18%, up 2.29 percentage points from the year-end 2021 discount rate of 2.89%.")
q(CAE, "percent", "What was the year-end 2021 discount rate for 3M's primary U.S. qualified pension plan?",
  "2.89%", ["5.18%", "2.29%", "3.47%"],
  "The primary U.S. qualified pension plan year-end 2022 discount rate was 5.18%, up 2.29 percentage points from the year-end 2021 discount rate of 2.89%.")
q(CAE, "number", "How much cash does 3M expect to contribute to its global defined benefit pension and postretirement plans in 2023?",
  "$100 million to $200 million", ["$200 million to $300 million", "$50 million to $100 million", "$300 million to $500 million"],
  "3M expects to contribute approximately $100 million to $200 million of cash to its global defined benefit pension and postretirement plans in 2023.")
q(CAE, "number", "What was 3M's total consolidated defined benefit pre-tax pension and postretirement expense in 2022?",
  "$178 million", ["$206 million", "$426 million", "$145 million"],
  "for a total consolidated defined benefit pre-tax pension and postretirement expense of $178 million, down from $206 million in 2021")
q(CAE, "number", "What defined benefit pension and postretirement service cost expense did 3M recognize in 2022?",
  "$426 million", ["$270 million", "$248 million", "$178 million"],
  "the Company recognized consolidated defined benefit pre-tax pension and postretirement service cost expense of $426 million")
q(CAE, "number", "What total defined benefit pre-tax pension and postretirement expense does 3M anticipate for 2023?",
  "Approximately $145 million", ["Approximately $178 million", "Approximately $270 million", "Approximately $125 million"],
  "for a total consolidated defined benefit pre-tax pension and postretirement expense of approximately $145 million, a decrease of approximately $30 million compared to 2022")
q(CAE, "percent", "What weighted average expected return did 3M assume for its international pension plans for 2023?",
  "4.61%", ["3.86%", "7.50%", "5.05%"],
  "The weighted average expected return for the international pension plans is 4.61% for 2023 compared to 3.86% for 2022.")
q(CAE, "number", "Approximately how much goodwill did 3M carry as of December 31, 2022?",
  "$12.8 billion", ["$13.5 billion", "$9.2 billion", "$4.7 billion"],
  "As of December 31, 2022, 3M goodwill totaled approximately $12.8 billion.")
q(CAE, "number", "How many primary reporting units did 3M have for goodwill testing as of October 1, 2022?",
  "21", ["10", "19", "25"],
  "As of October 1, 2022, 3M had 21 primary reporting units, with ten reporting units accounting for approximately 94 percent of the goodwill.")
q(CAE, "percent", "As of October 1, 2022, ten of 3M's reporting units accounted for approximately what share of its goodwill?",
  "94 percent", ["80 percent", "71 percent", "99 percent"],
  "As of October 1, 2022, 3M had 21 primary reporting units, with ten reporting units accounting for approximately 94 percent of the goodwill.")
q(CAE, "fact", "What did 3M's annual goodwill impairment test completed as of October 1, 2022 indicate?",
  "No goodwill impairment for any reporting unit", ["Impairment of the Advanced Materials reporting unit", "Impairment of the Personal Safety reporting unit", "Impairment of the Food Safety reporting unit"],
  "Based on the annual test in the fourth quarter of 2022 completed as of October 1, 2022, no goodwill impairment was indicated for any of the reporting units.")
q(CAE, "entity", "At 3M, what organizational level does a goodwill reporting unit correspond to?",
  "A division", ["A business segment", "A geographic area", "A legal entity"],
  "At 3M, reporting units correspond to a division.")

# ---------------------------------------------------------------- Item 7 liquidity and cash flows
q(LIQ, "number", "How much did 3M spend repurchasing its own stock in 2022?",
  "$1,464 million", ["$2,199 million", "$1,749 million", "$3,369 million"],
  "In 2022, the Company purchased $1,464 million of its own stock.")
q(LIQ, "number", "How much did 3M spend on stock purchases in 2021?",
  "$2.2 billion", ["$1.5 billion", "$3.4 billion", "$1.3 billion"],
  "In 2022, the Company purchased $1.5 billion of its own stock, compared to $2.2 billion of stock purchases in 2021.")
q(LIQ, "number", "Approximately how much remained available under 3M's share repurchase authorization at December 31, 2022?",
  "$4.2 billion", ["$5.3 billion", "$4.8 billion", "$1.5 billion"],
  "As of December 31, 2022, approximately $4.2 billion remained available under the authorization.")
q(LIQ, "number", "What first-quarter 2023 dividend per share did 3M's Board declare in February 2023?",
  "$1.50", ["$1.49", "$1.51", "$1.52"],
  "In February 2023, 3M’s Board of Directors declared a first-quarter 2023 dividend of $1.50 per share, an increase of 1 percent.")
q(LIQ, "number", "The February 2023 dividend declaration marked 3M's how-manyth consecutive year of dividend increases?",
  "65th", ["64th", "60th", "66th"],
  "This marked the 65th consecutive year of dividend increases for 3M.")
q(LIQ, "date", "Since what year has 3M paid dividends?",
  "1916", ["1902", "1929", "1946"],
  "3M has paid dividends since 1916.")
q(LIQ, "number", "What annual dividend per share is equivalent to 3M's first-quarter 2023 declaration?",
  "$6.00", ["$5.96", "$5.92", "$6.04"],
  "This is equivalent to an annual dividend of $6.00 per share and marked the 65th consecutive year of dividend increases.")
q(LIQ, "number", "What is the maximum amount 3M's commercial paper program permits outstanding?",
  "$5 billion", ["$3 billion", "$10 billion", "$4 billion"],
  "3M’s commercial paper program permits the Company to have a maximum of $5 billion outstanding with a maximum maturity of 397 days from date of issuance.")
q(LIQ, "number", "What is the maximum maturity allowed under 3M's commercial paper program?",
  "397 days", ["270 days", "365 days", "180 days"],
  "3M’s commercial paper program permits the Company to have a maximum of $5 billion outstanding with a maximum maturity of 397 days from date of issuance.")
q(LIQ, "number", "How much commercial paper did 3M have outstanding at December 31, 2022?",
  "None", ["$350 million", "$1.0 billion", "$600 million"],
  "The Company had no commercial paper outstanding at December 31, 2022 and December 31, 2021.")
q(LIQ, "number", "What was 3M's total debt at December 31, 2022?",
  "About $15.9 billion", ["About $17.4 billion", "About $14.0 billion", "About $12.0 billion"],
  "Total debt was approximately $15.9 billion at December 31, 2022 and $17.4 billion at December 31, 2021.")
q(LIQ, "number", "What was 3M's net debt (non-GAAP) at December 31, 2022?",
  "$12,023 million", ["$12,571 million", "$15,939 million", "$13,360 million"],
  "Total debt Less: Cash, cash equivalents and marketable securities Net debt (non-GAAP measure) 2022 $ 2021 15,939 $ 3,916 12,023 $")
q(LIQ, "number", "How much cash, cash equivalents and marketable securities did 3M hold at December 31, 2022?",
  "$3.9 billion", ["$4.8 billion", "$2.7 billion", "$3.1 billion"],
  "At December 31, 2022, 3M had $3.9 billion of cash, cash equivalents and marketable securities")
q(LIQ, "number", "How much of 3M's cash, cash equivalents and marketable securities was held by foreign subsidiaries at December 31, 2022?",
  "About $2.7 billion", ["About $1.2 billion", "About $3.1 billion", "About $3.9 billion"],
  "of which approximately $2.7 billion was held by the Company’s foreign subsidiaries and approximately $1.2 billion was held in the United States")
q(LIQ, "number", "What was 3M's working capital (non-GAAP) at December 31, 2022?",
  "$5,165 million", ["$6,368 million", "$14,688 million", "$9,523 million"],
  "Current assets Less: Current liabilities Working capital (non-GAAP measure) 2022 $ $ 2021 14,688 $ 9,523 5,165 $")
q(LIQ, "number", "By how much did 3M's inventory increase from December 31, 2021 to December 31, 2022?",
  "$387 million", ["$623 million", "$507 million", "$629 million"],
  "Inventory increased $387 million from December 31, 2021")
q(LIQ, "number", "What was 3M's net cash provided by operating activities in 2022?",
  "$5,591 million", ["$7,454 million", "$5,777 million", "$3,842 million"],
  "Net cash provided by (used in) operating activities $ 2021 5,791 $ 1,831 618 271 (158) 178 263 (2,724) (710) (105) (629) 111 854 5,591 $")
q(LIQ, "number", "By how much did 3M's operating cash flow decrease in 2022 versus 2021?",
  "$1,863 million", ["$1,203 million", "$2,009 million", "$623 million"],
  "In 2022, cash flows provided by operating activities decreased $1,863 million compared to the same period last year")
q(LIQ, "fact", "Besides lower net income, what did 3M cite as a main cause of its lower 2022 operating cash flow?",
  "Cash impact of capitalizing R&D for U.S. tax purposes", ["Higher pension contributions", "Payments to the Aearo trust", "Early debt extinguishment costs"],
  "with this decrease primarily due to lower net income and the cash impact from capitalization of R&D for U.S. tax purposes")
q(LIQ, "number", "What was 3M's free cash flow (non-GAAP) in 2022?",
  "$3,842 million", ["$5,851 million", "$5,591 million", "$4,028 million"],
  "$ 5,591 $ (1,749) 3,842 5,777 $ 66 %")
q(LIQ, "percent", "What was 3M's free cash flow conversion in 2022?",
  "66%", ["99%", "75%", "58%"],
  "$ 5,591 $ (1,749) 3,842 5,777 $ 66 % 7,454 (1,603) 5,851 5,921 99 %")
q(LIQ, "number", "What were 3M's purchases of property, plant and equipment (capital expenditures) in 2022?",
  "$1,749 million", ["$1,603 million", "$1,577 million", "$1,321 million"],
  "Purchases of property, plant and equipment (PP&E) Proceeds from sale of PP&E and other assets Purchases and proceeds from maturities and sale of marketable securities and investments, net Proceeds from sale of businesses, net of cash sold Cash payment from Food Safety business split-off, net of divested cash Other — net Net cash provided by (used in) investing activities $ $ 2021 (1,749)")
q(LIQ, "number", "What capital spending range did 3M expect for 2023?",
  "$1.5 billion to $1.8 billion", ["$1.3 billion to $1.5 billion", "$1.8 billion to $2.0 billion", "$1.6 billion to $1.9 billion"],
  "The Company expects 2023 capital spending to be approximately $1.5 billion to $1.8 billion")
q(LIQ, "number", "How much did 3M pay in dividends to shareholders in 2022?",
  "$3,369 million", ["$3,420 million", "$1,464 million", "$3,191 million"],
  "Dividends paid to shareholders Other — net Net cash provided by (used in) financing activities $ $ 2021 340 $ (1,179) 1 (838) (1,464) 381 (3,369)")
q(LIQ, "number", "What was 3M's net cash used in financing activities in 2022?",
  "$5,350 million", ["$6,145 million", "$3,369 million", "$1,046 million"],
  "(838) (1,464) 381 (3,369) (60) (5,350) $")
q(LIQ, "number", "What aggregate principal amount of fixed-rate medium-term notes did 3M repay in June 2022?",
  "$600 million", ["$450 million", "$500 million", "$650 million"],
  "In June 2022, 3M repaid $600 million aggregate principal amount of fixed-rate medium-term notes that matured.")
q(LIQ, "number", "What principal amount of euro fixed-rate medium-term notes did 3M repay in February 2022?",
  "500 million euros", ["600 million euros", "650 million euros", "750 million euros"],
  "In February 2022, 3M repaid 500 million euros aggregate principal amount of fixed-rate medium-term notes that matured.")
q(LIQ, "number", "How much 3M commercial paper was converted into Neogen term debt through the non-cash debt-for-debt exchange?",
  "$350 million", ["$478 million", "$828 million", "$150 million"],
  "reduced then-outstanding 3M commercial paper indebtedness of $350 million (borrowed earlier in the year) which became new term-debt obligations of Neogen")
q(LIQ, "number", "What is the aggregate principal capacity of 3M's Series F medium-term notes program?",
  "$18 billion", ["$9 billion", "$17.6 billion", "$10 billion"],
  "up to the aggregate principal amount of $18 billion, which was an increase from the previous aggregate principal amount up to $9 billion of the same Series")
q(LIQ, "number", "Approximately how much debt had 3M issued under its Series F medium-term notes program as of December 31, 2022?",
  "$17.6 billion", ["$18.0 billion", "$15.9 billion", "$9.0 billion"],
  "is approximately $17.6 billion (utilizing the foreign exchange rates applicable at the time of issuance for the euro denominated debt)")
q(LIQ, "number", "Approximately how much are 3M's future cash payments for interest on long-term debt?",
  "About $6 billion", ["About $3 billion", "About $9 billion", "About $1.5 billion"],
  "Future cash payments for interest on long-term debt is approximately $6 billion.")
q(LIQ, "date", "Effective on what date did 3M update its well-known seasoned issuer (WKSI) shelf registration statement?",
  "February 10, 2020", ["February 24, 2017", "May 1, 2016", "February 8, 2023"],
  "Effective February 10, 2020, the Company updated its “well-known seasoned issuer” (WKSI) shelf registration statement")
q(LIQ, "fact", "What does 3M describe as its first priority for capital deployment?",
  "Investing in its business to drive organic growth", ["Repurchasing shares", "Paying dividends", "Acquiring businesses"],
  "Investing in 3M’s business to drive organic growth and deliver strong returns on invested capital remains the first priority for capital deployment.")

# ---------------------------------------------------------------- Item 7A market risk
q(MKT, "number", "What was the gross notional amount of 3M's foreign exchange forward and option contracts designated as cash flow or net investment hedges at December 31, 2022?",
  "$3.2 billion", ["$2.8 billion", "$2.4 billion", "$0.8 billion"],
  "foreign exchange forward and option contracts designated as either cash flow hedges or net investment hedges was $3.2 billion at December 31, 2022")
q(MKT, "number", "What was the gross notional amount of 3M's foreign exchange forward and option contracts not designated as hedging instruments at December 31, 2022?",
  "$2.8 billion", ["$3.2 billion", "$1.5 billion", "$4.1 billion"],
  "contracts not designated as hedging instruments was $2.8 billion at December 31, 2022")
q(MKT, "number", "How much euro-denominated debt had 3M designated as non-derivative net investment hedging instruments at December 31, 2022?",
  "€2.4 billion", ["€1.5 billion", "€3.2 billion", "€0.6 billion"],
  "the Company had €2.4 billion in principal amount of foreign currency denominated debt designated as non-derivative hedging instruments")
q(MKT, "number", "What was the gross notional amount of 3M's interest rate swaps at December 31, 2022?",
  "$800 million", ["$500 million", "$1.0 billion", "$300 million"],
  "gross notional amount of the Company’s interest rate swaps at December 31, 2022 was $800 million")
q(MKT, "number", "Up to how many months ahead does 3M hedge forecasted foreign-currency cash flows?",
  "36 months", ["12 months", "24 months", "60 months"],
  "The maximum length of time over which 3M hedges its exposure to the variability in future cash flows of the forecasted transactions is 36 months.")
q(MKT, "number", "In 3M's 2022 value-at-risk analysis, what was the adverse impact on after-tax earnings from foreign exchange rates?",
  "$315 million", ["$140 million", "$18 million", "$85 million"],
  "Foreign exchange rates Interest rates Commodity prices $ (315) $ (18) (5)")
q(MKT, "percent", "What confidence level did 3M's Monte Carlo value-at-risk model use?",
  "95 percent", ["90 percent", "99 percent", "97.5 percent"],
  "The model (third-party bank dataset) used a 95 percent confidence level over a 12-month time horizon.")
q(MKT, "number", "Per 3M's sensitivity analysis, what pre-tax cost or saving would a one percent price change in purchased components and materials cause per year?",
  "About $85 million", ["About $45 million", "About $315 million", "About $140 million"],
  "A one percent price change would result in a pre-tax cost or savings of approximately $85 million per year.")
q(MKT, "number", "Per 3M's sensitivity analysis, what pre-tax cost or saving would a ten percent change in global energy prices cause per year?",
  "About $45 million", ["About $85 million", "About $18 million", "About $120 million"],
  "The global energy exposure is such that a ten percent price change would result in a pre-tax cost or savings of approximately $45 million per year.")
# ---------------------------------------------------------------- Item 8 auditor / controls
q(AUD, "entity", "Which firm audited 3M's FY2022 consolidated financial statements?",
  "PricewaterhouseCoopers LLP", ["Deloitte & Touche LLP", "Ernst & Young LLP", "KPMG LLP"],
  "The Company’s internal control over financial reporting as of December 31, 2022 has been audited by PricewaterhouseCoopers LLP, an independent registered public accounting firm")
q(AUD, "date", "Since what year has PricewaterhouseCoopers served as 3M's auditor?",
  "1975", ["1929", "1985", "1965"],
  "We have served as the Company’s auditor since 1975.")
q(AUD, "entity", "In which city did PricewaterhouseCoopers sign its audit report on 3M's FY2022 financial statements?",
  "Minneapolis, Minnesota", ["St. Paul, Minnesota", "Chicago, Illinois", "New York, New York"],
  "/s/ PricewaterhouseCoopers LLP Minneapolis, Minnesota February 8, 2023")
q(AUD, "number", "What PCAOB ID number is given for 3M's independent registered public accounting firm?",
  "238", ["185", "42", "34"],
  "Report of Independent Registered Public Accounting Firm (PCAOB ID 238)")
q(AUD, "entity", "What transaction structure did 3M use for the split-off of its Food Safety Division?",
  "A Reverse Morris Trust", ["A leveraged recapitalization", "A tracking-stock issuance", "An initial public offering"],
  "the Company completed the split-off of the Food Safety Division business in a transaction that involved a Reverse Morris Trust structure")
q(AUD, "fact", "Which of these was identified as a critical audit matter in the auditor's report on 3M's FY2022 statements?",
  "PP&E and goodwill impairment assessments for the Advanced Materials Division", ["Revenue recognition for software license contracts", "Valuation of pension plan assets", "Inventory valuation in the Consumer segment"],
  "Property, Plant and Equipment and Goodwill Impairment Assessments for the Advanced Materials Division")
q(AUD, "fact", "Besides legal proceedings and the Advanced Materials impairments, what was the third critical audit matter in 3M's FY2022 audit report?",
  "Tax-free determination of the Food Safety split-off", ["Accounting for the Health Care spin-off", "Deconsolidation of the Aearo Entities", "Valuation of the Russia disposal group"],
  "Tax-free Determination of the Split-Off of the Food Safety Division")
q(AUD, "number", "How was the Q4 2022 PFAS-exit impairment charge for the Advanced Materials Division split between long-lived assets and goodwill?",
  "$0.5 billion long-lived assets and $0.3 billion goodwill", ["$0.3 billion long-lived assets and $0.5 billion goodwill", "$0.8 billion long-lived assets and no goodwill", "$0.6 billion long-lived assets and $0.2 billion goodwill"],
  "related to the impairment of long-lived assets ($0.5 billion - primarily associated with property, plant and equipment) and impairment of goodwill ($0.3 billion) for the Advanced Materials Division")
q(AUD, "entity", "Which framework did 3M management use to assess internal control over financial reporting for 2022?",
  "COSO Internal Control — Integrated Framework (2013)", ["COSO Enterprise Risk Management Framework (2017)", "COBIT 2019", "ISO 31000"],
  "based on the framework established by the Committee of Sponsoring Organizations of the Treadway Commission in Internal Control — Integrated Framework (2013)")
q(AUD, "fact", "What did 3M management conclude about its internal control over financial reporting as of December 31, 2022?",
  "It was effective", ["It had a material weakness", "It had a significant deficiency in tax accounting", "It could not be assessed due to the ERP rollout"],
  "Based on the assessment, management concluded that, as of December 31, 2022, the Company’s internal control over financial reporting is effective.")

# ---------------------------------------------------------------- Item 8 financial statements
q(FS, "number", "What were 3M's total net sales in 2022?",
  "$34,229 million", ["$35,355 million", "$32,184 million", "$33,876 million"],
  "Net sales | 34,229 | 35,355 | 32,184")
q(FS, "number", "What were 3M's total net sales in 2021?",
  "$35,355 million", ["$34,229 million", "$32,184 million", "$32,765 million"],
  "Net sales | 34,229 | 35,355 | 32,184")
q(FS, "number", "What was 3M's cost of sales in 2022?",
  "$19,232 million", ["$18,795 million", "$16,605 million", "$19,962 million"],
  "Cost of sales | 19,232 | 18,795 | 16,605")
q(FS, "number", "What were 3M's selling, general and administrative expenses in 2022?",
  "$9,049 million", ["$7,197 million", "$6,929 million", "$8,412 million"],
  "Selling, general and administrative expenses | 9,049 | 7,197 | 6,929")
q(FS, "number", "What were 3M's research, development and related expenses on the 2022 income statement?",
  "$1,862 million", ["$1,994 million", "$1,878 million", "$1,749 million"],
  "Research, development and related expenses | 1,862 | 1,994 | 1,878")
q(FS, "number", "What gain on business divestitures did 3M report in operating expenses for 2022?",
  "$2,724 million", ["$389 million", "$2,800 million", "$1,519 million"],
  "Gain on business divestitures | (2,724) | — | (389)")
q(FS, "number", "What goodwill impairment expense did 3M report in 2022?",
  "$271 million", ["$618 million", "$109 million", "$389 million"],
  "Goodwill impairment expense | 271 | — | —")
q(FS, "number", "What was 3M's operating income in 2022?",
  "$6,539 million", ["$7,369 million", "$7,161 million", "$6,392 million"],
  "Operating income | 6,539 | 7,369 | 7,161")
q(FS, "number", "What was 3M's income before income taxes in 2022?",
  "$6,392 million", ["$7,204 million", "$6,539 million", "$6,795 million"],
  "Income before income taxes | 6,392 | 7,204 | 6,795")
q(FS, "number", "What was 3M's provision for income taxes in 2022?",
  "$612 million", ["$1,285 million", "$1,337 million", "$1,231 million"],
  "Provision for income taxes | 612 | 1,285 | 1,337")
q(FS, "number", "What was net income attributable to 3M in 2022?",
  "$5,777 million", ["$5,921 million", "$5,791 million", "$5,449 million"],
  "Net income attributable to 3M | 5,777 | 5,921 | 5,449")
q(FS, "number", "What was 3M's net income attributable to 3M in 2021?",
  "$5,921 million", ["$5,777 million", "$5,929 million", "$5,449 million"],
  "Net income attributable to 3M | 5,777 | 5,921 | 5,449")
q(FS, "number", "What were 3M's weighted average diluted common shares outstanding in 2022?",
  "567.6 million", ["585.3 million", "566.0 million", "549.2 million"],
  "5,777 $ 5,921 $ 5,449 566.0 1.6 567.6 579.0 6.3 585.3")
q(FS, "number", "What were 3M's total assets at December 31, 2022?",
  "$46,455 million", ["$47,072 million", "$44,659 million", "$31,685 million"],
  "Total assets | 46,455 | 47,072")
q(FS, "number", "What were 3M's cash and cash equivalents at December 31, 2022?",
  "$3,655 million", ["$4,564 million", "$3,916 million", "$2,853 million"],
  "Cash and cash equivalents | 3,655 | 4,564")
q(FS, "number", "What were 3M's total inventories at December 31, 2022?",
  "$5,372 million", ["$4,985 million", "$4,532 million", "$2,497 million"],
  "Total inventories | 5,372 | 4,985")
q(FS, "number", "What was 3M's net accounts receivable at December 31, 2022?",
  "$4,532 million", ["$4,660 million", "$5,372 million", "$3,655 million"],
  "Accounts receivable — net of allowances of $174 and $189 | 4,532 | 4,660")
q(FS, "number", "What was 3M's long-term debt (excluding current portion) on the balance sheet at December 31, 2022?",
  "$14,001 million", ["$16,056 million", "$15,939 million", "$12,023 million"],
  "Long-term debt | 14,001 | 16,056")
q(FS, "number", "What were 3M's short-term borrowings and current portion of long-term debt at December 31, 2022?",
  "$1,938 million", ["$1,307 million", "$3,183 million", "$2,994 million"],
  "Short-term borrowings and current portion of long-term debt | 1,938 | 1,307")
q(FS, "number", "What was total 3M Company shareholders' equity at December 31, 2022?",
  "$14,722 million", ["$14,770 million", "$15,046 million", "$46,455 million"],
  "Total 3M Company shareholders’ equity | 14,722 | 15,046")
q(FS, "number", "What were 3M's retained earnings at December 31, 2022?",
  "$47,950 million", ["$45,821 million", "$33,255 million", "$46,455 million"],
  "Retained earnings | 47,950 | 45,821")
q(FS, "number", "What was 3M's depreciation and amortization in 2022?",
  "$1,831 million", ["$1,915 million", "$1,749 million", "$1,862 million"],
  "Net income including noncontrolling interest Depreciation and amortization | 5,791 | 1,831 | 618 | 271")
q(FS, "number", "What long-lived and indefinite-lived asset impairment expense did 3M add back in its 2022 operating cash flow?",
  "$618 million", ["$271 million", "$854 million", "$263 million"],
  "Long-lived and indefinite-lived asset impairment expense | 5,791 | 1,831 | 618 | 271")
q(FS, "number", "What stock-based compensation expense did 3M record in 2022 (per the cash flow statement)?",
  "$263 million", ["$274 million", "$178 million", "$381 million"],
  "Stock-based compensation expense | 5,791 | 1,831 | 618 | 271 | (158) | 178 | 263")
q(FS, "number", "What cash payment did 3M receive from the Food Safety business split-off, net of divested cash, per the 2022 investing cash flows?",
  "$478 million", ["$828 million", "$350 million", "$1,000 million"],
  "Cash payment from Food Safety business split-off, net of divested cash | (1,749) | 200 | 11 | 13 | 478")
q(FS, "number", "What total cash dividends per share did 3M declare in 2022?",
  "$5.96", ["$5.92", "$5.88", "$6.00"],
  "Dividends declared ($5.96 per share, Note 8)")

# ---------------------------------------------------------------- Notes 2-3 revenue, acquisitions, divestitures
q(N_DIV, "number", "What were net sales of 3M's Personal Safety division in 2022?",
  "$3,916 million", ["$4,470 million", "$4,408 million", "$2,331 million"],
  "Total Safety and Industrial Business Segment $ 2021 2020 1,343 $ 1,209 1,046 1,304 2,331 3,916 455 — 11,604")
q(N_DIV, "number", "What were net sales of 3M's Electronics division in 2022?",
  "$3,359 million", ["$3,673 million", "$3,497 million", "$1,754 million"],
  "1,205 1,754 1,751 3,359 833 — 8,902")
q(N_DIV, "number", "What were net sales of 3M's Medical Solutions division in 2022?",
  "$4,581 million", ["$4,632 million", "$4,288 million", "$1,353 million"],
  "— 244 1,259 4,581 1,353 960 24 8,421")
q(N_DIV, "number", "What were net sales of 3M's Food Safety division in 2022, the year it was split off?",
  "$244 million", ["$368 million", "$337 million", "$146 million"],
  "— 244 1,259 4,581 1,353 960 24 8,421 — 368 1,220 4,632 1,420 956 1 8,597")
q(N_DIV, "number", "What were net sales of 3M's Home Improvement division in 2022?",
  "$2,392 million", ["$2,548 million", "$2,260 million", "$1,291 million"],
  "569 1,046 2,392 1,291 — 5,298 588 1,074 2,548 1,306 (3) 5,513")
q(N_DIV, "entity", "Which was 3M's largest division by 2022 net sales?",
  "Medical Solutions", ["Personal Safety", "Electronics", "Home Improvement"],
  "— 244 1,259 4,581 1,353 960 24 8,421")
q(N_DIV, "number", "How much rental revenue from durable medical devices did 3M's net sales include in 2022?",
  "$577 million", ["$582 million", "$586 million", "$500 million"],
  "which was $577 million, $582 million, and $586 million for the years ended December 31, 2022, 2021, and 2020 respectively")
q(N_DIV, "number", "Approximately how much of 3M's December 31, 2021 deferred revenue balance was recognized as revenue during 2022?",
  "$500 million", ["$470 million", "$577 million", "$323 million"],
  "Approximately $500 million of the December 31, 2021 balance was recognized as revenue during the year ended December 31, 2022")
q(N_DIV, "number", "How many business acquisitions did 3M close during 2022?",
  "None", ["One", "Two", "Three"],
  "There were no acquisitions that closed during the year ended December 31, 2022.")
q(N_DIV, "entity", "Which business did 3M sell in March 2022, formerly part of the Consumer segment?",
  "Its floor products business in Western Europe", ["Its advanced ballistic-protection business", "Its small dermatology products business", "Its transdermal drug delivery components business"],
  "In March 2022, 3M completed the sale of its floor products business in Western Europe, formerly part of the Consumer business")
q(N_DIV, "date", "By when does 3M expect to complete the Health Care spin-off?",
  "By year-end 2023", ["By mid-2023", "By year-end 2024", "By the first quarter of 2023"],
  "The Company expects to complete the transaction, which is intended to be tax-free for U.S. federal income tax purposes, by year-end 2023.")
q(N_DIV, "fact", "Why is 3M's Health Care business not classified as held for sale?",
  "Because the intended transaction is a spin-off", ["Because it is expected to close after 2024", "Because regulators have not approved it", "Because 3M will retain a majority stake"],
  "Because the intended transaction is a spin-off, the Health Care business is not classified as held for sale.")
q(N_DIV, "date", "When did 3M complete the split-off and combination of its Food Safety Division with Neogen?",
  "September 2022", ["July 2022", "March 2022", "December 2022"],
  "In September 2022, 3M completed the split-off and combination of its Food Safety Division business (formerly part of the Health Care business segment) with Neogen Corporation")
q(N_DIV, "number", "What aggregate consideration underpinned 3M's gain on the Food Safety split-off?",
  "$2.8 billion", ["$2.7 billion", "$2.0 billion", "$1.0 billion"],
  "As a result of the transaction, 3M reflected a pre-tax gain of $2.7 billion based on aggregate consideration of $2.8 billion.")
q(N_DIV, "number", "How many 3M common shares were accepted by 3M in the Food Safety exchange offer?",
  "16 million", ["10 million", "20 million", "26 million"],
  "$2.0 billion representing the value of 16 million 3M common shares accepted by 3M that reduced shares outstanding through a fully-subscribed exchange offer.")
q(N_DIV, "percent", "What share of Neogen's common shares did subscribing 3M shareholders own after the Food Safety exchange?",
  "50.1%", ["49.9%", "19.9%", "60.0%"],
  "The exchange ultimately resulted in subscribed 3M shareholders owning 50.1% of the common shares of Neogen.")
q(N_DIV, "number", "What value did the 3M shares accepted in the Food Safety exchange offer represent?",
  "$2.0 billion", ["$2.8 billion", "$828 million", "$2.7 billion"],
  "$2.0 billion representing the value of 16 million 3M common shares accepted by 3M")
q(N_DIV, "number", "How much in cash and non-cash consideration, after closing adjustments, was funded from debt that became Neogen's obligations?",
  "$828 million", ["$478 million", "$1.0 billion", "$350 million"],
  "$828 million in cash and non-cash components funded from debt that became obligations of Neogen.")
q(N_DIV, "entity", "To whom did 3M sell substantially all of its Drug Delivery Division in May 2020?",
  "An affiliate of Altaris Capital Partners, LLC", ["Avon Rubber p.l.c", "Neogen Corporation", "Kenvue (Johnson & Johnson)"],
  "In May 2020, 3M completed the sale of substantially all of its Drug Delivery Division business, formerly part of the Health Care business, to an affiliate of Altaris Capital Partners, LLC")
q(N_DIV, "number", "What total consideration did 3M receive for its Drug Delivery Division sale in 2020?",
  "$617 million", ["$487 million", "$387 million", "$380 million"],
  "for $617 million in consideration including $487 million of cash")
q(N_DIV, "percent", "What noncontrolling interest in Kindeva Drug Delivery did 3M receive as part of the drug delivery sale?",
  "17 percent", ["19.9 percent", "25 percent", "10 percent"],
  "approximately $60 million in the form of a 17 percent noncontrolling interest in the new company, Kindeva Drug Delivery (Kindeva)")
q(N_DIV, "entity", "To whom did 3M sell its advanced ballistic-protection business in January 2020?",
  "Avon Rubber p.l.c", ["Altaris Capital Partners", "Neogen Corporation", "Honeywell International"],
  "In January 2020, 3M completed the sale of its advanced ballistic-protection business, formerly part of the Transportation and Electronics business, to Avon Rubber p.l.c")
q(N_DIV, "number", "What pre-tax gain did 3M record on the 2020 divestiture of its drug delivery business?",
  "$387 million", ["$617 million", "$389 million", "$2.7 billion"],
  "3M reflected a pre-tax gain of $387 million as a result of the divestiture.")
# ---------------------------------------------------------------- Notes 1, 4-9
q(N_OTH, "number", "How much did 3M spend on advertising and merchandising in 2022?",
  "$323 million", ["$327 million", "$278 million", "$354 million"],
  "Advertising and merchandising: These costs are charged to operations in the period incurred, and totaled $323 million, $327 million and $278 million in 2022, 2021 and 2020")
q(N_OTH, "number", "How much did 3M's research and development expenses (basic research and new-product development, excluding related expenses) total in 2022?",
  "$1.1 billion", ["$1.9 billion", "$1.2 billion", "$0.9 billion"],
  "Research and development expenses, covering basic scientific research and the application of scientific advances in the development of new and improved products and their uses, totaled $1.1 billion, $1.2 billion and $1.1 billion in 2022, 2021 and 2020, respectively.")
q(N_OTH, "number", "What valuation allowance did 3M carry on its deferred tax assets at December 31, 2022?",
  "$115 million", ["$142 million", "$177 million", "$231 million"],
  "As of December 31, 2022 and December 31, 2021, the Company had valuation allowances of $115 million and $142 million on its deferred tax assets, respectively.")
q(N_OTH, "number", "How many average stock options were excluded from 3M's 2022 diluted EPS computation as anti-dilutive?",
  "30.3 million", ["7.8 million", "18.1 million", "16.0 million"],
  "30.3 million average options for 2022, 7.8 million average options for 2021, and 18.1 million average options for 2020")
q(N_OTH, "number", "What was 3M's asset retirement obligation liability at December 31, 2022?",
  "$177 million", ["$176 million", "$115 million", "$48 million"],
  "The asset retirement obligation liability was $177 million and $176 millions at December 31, 2022 and 2021, respectively.")
q(N_OTH, "fact", "Over what range of estimated useful lives does 3M primarily depreciate machinery and equipment?",
  "Three to fifteen years", ["Ten to forty years", "Six to twenty years", "One to five years"],
  "The estimated useful lives of machinery and equipment primarily range from three to fifteen years, with the majority in the range of five to ten years.")
q(N_OTH, "fact", "Over what range of periods are 3M's definite-lived intangible assets amortized?",
  "Six to twenty years", ["Three to fifteen years", "Ten to forty years", "Five to ten years"],
  "Intangible assets with a definite life are amortized over a period ranging from six to twenty years")
q(N_OTH, "fact", "Has 3M chosen to apply the qualitative 'Step 0' assessment for its annual goodwill tests?",
  "No, 3M has chosen not to apply Step 0", ["Yes, for all reporting units", "Only for reporting units with no prior impairment", "Only in years with a segment reorganization"],
  "3M has chosen not to apply Step 0 for its annual goodwill assessments.")
q(N_OTH, "entity", "Besides Argentina, which country's 3M subsidiaries were treated as highly inflationary beginning in the second quarter of 2022?",
  "Turkey", ["Russia", "Brazil", "Egypt"],
  "Exceptions include 3M’s subsidiaries in Argentina and, beginning in the second quarter of 2022, in Turkey, the economy of which also became highly inflationary.")
q(N_OTH, "number", "What goodwill impairment charge did 3M record in December 2022 for the Advanced Materials reporting unit?",
  "$0.3 billion", ["$0.5 billion", "$0.8 billion", "$1.2 billion"],
  "3M recorded a goodwill impairment charge of $0.3 billion related to the Advanced Materials reporting unit (within the Transportation and Electronics business) resulting in no remaining goodwill for that reporting unit.")
q(N_OTH, "number", "Approximately how many positions worldwide did 3M's operational/marketing capability restructuring (2020 through Q1 2022) affect?",
  "3,100", ["850", "1,300", "400"],
  "This initiative, beginning in 2020 and ending with committed first quarter 2022 actions, impacted approximately 3,100 positions worldwide with a pre-tax charge of approximately $280 million over that period.")
q(N_OTH, "number", "What total pre-tax charge did 3M's operational/marketing capability restructuring initiative incur from 2020 through Q1 2022?",
  "About $280 million", ["About $137 million", "About $124 million", "About $41 million"],
  "impacted approximately 3,100 positions worldwide with a pre-tax charge of approximately $280 million over that period")
q(N_OTH, "number", "What pre-tax charge did 3M record in Q1 2022 for the final actions of its operational/marketing capability restructuring?",
  "$18 million", ["$41 million", "$124 million", "$55 million"],
  "In the first quarter of 2022, management approved and committed to undertake the remaining actions under this initiative resulting in a pre-tax charge of $18 million.")
q(N_OTH, "number", "How many positions did 3M's Q3 2022 divestiture-related restructuring (after the Food Safety split-off) affect?",
  "About 850", ["About 3,100", "About 1,300", "About 400"],
  "These actions affected approximately 850 positions worldwide and resulted in a third quarter 2022 pre-tax charge of $41 million, within Corporate and Unallocated.")
q(N_OTH, "number", "What pre-tax charge did 3M record in Q3 2022 for divestiture-related restructuring following the Food Safety split-off?",
  "$41 million", ["$18 million", "$55 million", "$109 million"],
  "These actions affected approximately 850 positions worldwide and resulted in a third quarter 2022 pre-tax charge of $41 million, within Corporate and Unallocated.")
q(N_OTH, "number", "What was 3M's interest expense in 2022?",
  "$462 million", ["$488 million", "$529 million", "$440 million"],
  "Interest expense Interest income Pension and postretirement net periodic benefit cost (benefit) Total $ $ 2021 462 $ (67) (248) 147 $")
q(N_OTH, "number", "What was 3M's total other expense (income), net in 2022?",
  "$147 million", ["$165 million", "$366 million", "$462 million"],
  "Interest expense Interest income Pension and postretirement net periodic benefit cost (benefit) Total $ $ 2021 462 $ (67) (248) 147 $")
q(N_OTH, "number", "What equity investment balance did 3M carry at December 31, 2022 for the deconsolidated Aearo Entities?",
  "$0.7 billion", ["$1.2 billion", "$0.3 billion", "$0.9 billion"],
  "$0.7 billion asset balance in \"equity and other investments\" (within other assets).")
q(N_OTH, "number", "How many shares of 3M common stock were issued as of December 31, 2022?",
  "944,033,056", ["549,245,105", "571,845,478", "1,000,000,000"],
  "Common stock ($.01 par value per share) of 3 billion shares is authorized, with 944,033,056 shares issued as of December 31, 2022, 2021 and 2020.")
q(N_OTH, "number", "How many shares of 3M common stock were outstanding at December 31, 2022?",
  "549,245,105", ["571,845,478", "944,033,056", "550,500,000"],
  "Shares outstanding - December 31, 2022: 549,245,105")
q(N_OTH, "number", "How many shares of common stock is 3M authorized to issue?",
  "3 billion", ["1 billion", "944 million", "10 million"],
  "Common stock ($.01 par value per share) of 3 billion shares is authorized")
q(N_OTH, "number", "How many shares of preferred stock is 3M authorized (but has not issued)?",
  "10 million", ["3 million", "100 million", "1 billion"],
  "Preferred stock, without par value, of 10 million shares is authorized but unissued.")
q(N_OTH, "number", "What were 3M's total declared and paid dividends per share in 2021?",
  "$5.92", ["$5.96", "$5.88", "$6.00"],
  "which resulted in total year declared and paid dividends of $5.96, $5.92, and $5.88 per share, respectively")
q(N_OTH, "number", "What dividend to noncontrolling interest did 3M's 3M India Limited subsidiary pay in 2022?",
  "$29 million", ["$14 million", "$48 million", "$8 million"],
  "Dividend to noncontrolling interest in 2022 of $29 million related to dividend paid by 3M India Limited")
q(N_OTH, "number", "What were 3M's cash income tax payments, net of refunds, in 2022?",
  "$1,320 million", ["$1,695 million", "$1,351 million", "$612 million"],
  "Cash income tax payments, net of refunds Cash interest payments $ 2021 1,320 $ 440")
q(N_OTH, "number", "What were 3M's cash interest payments in 2022?",
  "$440 million", ["$472 million", "$524 million", "$462 million"],
  "Cash income tax payments, net of refunds Cash interest payments $ 2021 1,320 $ 440")

# ---------------------------------------------------------------- Note 10 income taxes
q(N_TAX, "number", "What was 3M's U.S. income before income taxes in 2022?",
  "$3,861 million", ["$2,531 million", "$3,716 million", "$6,392 million"],
  "Income Before Income Taxes (Millions) 2022 United States International Total $ 2021 3,861 $ 2,531 6,392")
q(N_TAX, "number", "What was 3M's international income before income taxes in 2022?",
  "$2,531 million", ["$3,488 million", "$3,861 million", "$3,000 million"],
  "Income Before Income Taxes (Millions) 2022 United States International Total $ 2021 3,861 $ 2,531 6,392")
q(N_TAX, "percent", "By how many percentage points did the Food Safety divestiture reduce 3M's 2022 effective tax rate in the rate reconciliation?",
  "8.4 points", ["8.2 points", "2.3 points", "1.0 point"],
  "Reconciliation of Effective Income Tax Rate 2022 Statutory U.S. tax rate Food Safety divestiture State income taxes - net of federal benefit International income taxes - net Global Intangible Low Taxed Income (GILTI) Foreign Derived Intangible Income (FDII) U.S. research and development credit Reserves for tax contingencies Employee share-based payments All other - net Effective worldwide tax rate 2021 21.0 % (8.4)")
q(N_TAX, "number", "Over how many years is the TCJA transition tax payable by 3M, beginning in 2018?",
  "Eight years", ["Five years", "Six years", "Ten years"],
  "The 2017 Tax Cuts and Jobs Act (TCJA) involved a transition tax that is payable over eight years beginning in 2018.")
q(N_TAX, "number", "How much long-term income taxes payable related to the TCJA transition tax did 3M reflect at December 31, 2022?",
  "$380 million", ["$508 million", "$126 million", "$68 million"],
  "As of December 31, 2022 and December 31, 2021, 3M reflected $380 million and $508 million, respectively, in long term income taxes payable.")
q(N_TAX, "date", "Through which tax year has the IRS completed its field examination of 3M's U.S. federal income tax returns?",
  "2018", ["2017", "2005", "2020"],
  "The IRS has completed its field examination of the Company’s U.S. federal income tax returns through 2018")
q(N_TAX, "number", "By how much would 3M's unrecognized tax benefits, if recognized, affect its effective tax rate as of December 31, 2022?",
  "$965 million", ["$1,112 million", "$1,145 million", "$116 million"],
  "The total amount of UTB, if recognized, would affect the effective tax rate by $965 million as of December 31, 2022")
q(N_TAX, "date", "Through which year is the reduced tax rate or exemption for 3M's operations in Singapore in effect?",
  "2032", ["2026", "2029", "2022"],
  "China (2022), Switzerland (2026), Brazil (2029) and Singapore (2032)")
q(N_TAX, "date", "Through which year is the reduced tax rate or exemption for 3M's operations in Switzerland in effect?",
  "2026", ["2032", "2029", "2022"],
  "China (2022), Switzerland (2026), Brazil (2029) and Singapore (2032)")
q(N_TAX, "number", "What income tax benefit did 3M estimate from the reduced-rate/exempt status of certain foreign subsidiaries in 2022?",
  "$170 million (30 cents per diluted share)", ["$204 million (36 cents per diluted share)", "$163 million (28 cents per diluted share)", "$115 million (20 cents per diluted share)"],
  "The income tax benefits attributable to the tax status of these subsidiaries are estimated to be $170 million (30 cents per diluted share) in 2022")
q(N_TAX, "number", "Approximately how much undistributed earnings did 3M have in its foreign subsidiaries as of December 31, 2022?",
  "$16.0 billion", ["$8.0 billion", "$12.8 billion", "$2.7 billion"],
  "As of December 31, 2022, the Company has approximately $16.0 billion of undistributed earnings in its foreign subsidiaries.")
q(N_TAX, "number", "How much of 3M's undistributed foreign earnings were no longer considered permanently reinvested at the end of 2022?",
  "About $8.0 billion", ["About $16.0 billion", "About $4.0 billion", "About $2.7 billion"],
  "Approximately $8.0 billion of these earnings are no longer considered permanently reinvested.")
q(N_TAX, "number", "What accrued interest and penalties on unrecognized tax benefits (gross) did 3M carry at December 31, 2022?",
  "$116 million", ["$140 million", "$115 million", "$965 million"],
  "At December 31, 2022, and December 31, 2021, accrued interest and penalties in the consolidated balance sheet on a gross basis were $116 million and $140 million, respectively.")

# ---------------------------------------------------------------- Notes 12, 14 debt and derivatives
q(N_DEBT, "number", "What is the size of 3M's amended and restated five-year revolving credit facility (expiring November 2024)?",
  "$3.0 billion", ["$1.25 billion", "$4.0 billion", "$5.0 billion"],
  "3M has an amended and restated $3.0 billion five year revolving credit facility expiring in November 2024.")
q(N_DEBT, "number", "What is the size of the 364-day credit facility 3M renewed in November 2022?",
  "$1.25 billion", ["$3.0 billion", "$1.0 billion", "$0.5 billion"],
  "In addition, 3M entered into a $1.25 billion 364-day credit facility, which was renewed in November 2022 with an expiration date of November 2023.")
q(N_DEBT, "number", "Up to what total could 3M's five-year revolving credit facility be increased at lenders' discretion?",
  "$4.0 billion", ["$3.0 billion", "$5.0 billion", "$4.25 billion"],
  "bringing the total facility up to $4.0 billion")
q(N_DEBT, "number", "What was 3M's EBITDA-to-interest ratio under its credit agreements at December 31, 2022?",
  "About 19 to 1", ["About 3 to 1", "About 12 to 1", "About 25 to 1"],
  "At December 31, 2022, this ratio was approximately 19 to 1.")
q(N_DEBT, "number", "What minimum EBITDA-to-interest ratio must 3M maintain under its credit facilities?",
  "3.0 to 1", ["1.5 to 1", "5.0 to 1", "19 to 1"],
  "the Company is required to maintain its EBITDA to Interest Ratio as of the end of each fiscal quarter at not less than3.0 to 1.")
q(N_DEBT, "number", "How much in stand-alone letters of credit and bank guarantees did 3M have outstanding at December 31, 2022?",
  "$318 million", ["$150 million", "$800 million", "$48 million"],
  "The Company also had an additional $318 million in stand-alone letters of credit and bank guarantees issued and outstanding at December 31, 2022.")
q(N_DEBT, "number", "What was the size of the revolving credit facility for the Food Safety business that transferred to Neogen?",
  "$150 million", ["$350 million", "$1.0 billion", "$318 million"],
  "The debt commitments also included a $150 million revolving credit facility for the Food Safety business.")
q(N_DEBT, "percent", "What coupon did 3M's $650 million 30-year notes due 2050, issued in March 2020, carry?",
  "3.70%", ["3.05%", "2.65%", "3.25%"],
  "$650 million of 30-year notes due 2050 with a coupon rate of3.70%")
q(N_DEBT, "number", "What aggregate principal amount of fixed rate registered notes did 3M issue in March 2020?",
  "$1.75 billion", ["$1.5 billion", "$2.0 billion", "$1.0 billion"],
  "In March 2020, 3M issued $1.75 billion aggregate principal amount of fixed rate registered notes.")
q(N_DEBT, "number", "What principal amount of 2.75% notes due 2022 did 3M redeem early via a make-whole call in March 2021?",
  "$450 million", ["$600 million", "$400 million", "$500 million"],
  "In March 2021, 3M, via a make-whole-call offer, redeemed $450 million principal amount of 2.75% notes due 2022.")
q(N_DEBT, "number", "What early debt extinguishment pre-tax charge did 3M record in interest expense in 2021?",
  "About $11 million", ["About $10 million", "About $45 million", "About $91 million"],
  "Interest expense includes an early debt extinguishment pre-tax charge of approximately $11 million and $10 million in 2021 and 2020, respectively.")
q(N_DEBT, "number", "What principal amount of Eurobonds did 3M repay at maturity in November 2021?",
  "600 million euros", ["500 million euros", "650 million euros", "750 million euros"],
  "In November 2021, 3M repaid 600 million euros aggregate principal amount of Eurobonds that matured.")
q(N_DEBT, "date", "Until roughly when do the 2021 interest rate swaps convert portions of 3M's 2049 and 2050 notes to floating rate?",
  "Mid-2028", ["Mid-2025", "End of 2030", "Maturity in 2049/2050"],
  "into floating rate debt for the portion of their terms through mid-2028 with an interest rate based on a three-month LIBOR index")
q(N_DEBT, "number", "What was the after-tax net unrealized loss on cash flow hedging instruments in 3M's accumulated other comprehensive income at December 31, 2022?",
  "$7 million", ["$94 million", "$68 million", "$143 million"],
  "As of December 31, 2022, the Company had a balance of $7 million associated with the after-tax net unrealized loss associated with cash flow hedging instruments recorded in accumulated other comprehensive income.")
q(N_DEBT, "number", "By approximately how much did year-on-year foreign currency transaction effects, including hedging, change 3M's pre-tax income in 2022?",
  "Increased it by about $127 million", ["Decreased it by about $105 million", "Decreased it by about $271 million", "Increased it by about $21 million"],
  "3M estimates that year-on-year foreign currency transaction effects, including hedging impacts, increased pre-tax income by approximately $127 million in 2022")
q(N_DEBT, "number", "What notional amount of foreign exchange forward contracts had 3M designated in net investment hedges at December 31, 2022?",
  "About 150 million euros", ["About 2.4 billion euros", "About 500 million euros", "About 300 million euros"],
  "the total notional amount of foreign exchange forward contracts designated in net investment hedges was approximately150 million euros")

# ---------------------------------------------------------------- Note 13 pension
q(N_PEN, "number", "In total, how many defined benefit plans does 3M have, and in how many countries?",
  "Over 75 plans in 28 countries", ["Over 50 plans in 20 countries", "Over 100 plans in 35 countries", "Over 75 plans in 70 countries"],
  "In total, 3M has over75 defined benefit plans in 28 countries.")
q(N_PEN, "date", "Effective what date was 3M's primary U.S. defined-benefit pension plan closed to new participants?",
  "January 1, 2009", ["January 1, 2016", "January 1, 2001", "January 1, 2012"],
  "The primary U.S. defined-benefit pension plan was closed to new participants effective January 1, 2009.")
q(N_PEN, "percent", "What employer retirement income account contribution do U.S. employees hired on or after January 1, 2009 receive, as a share of eligible compensation?",
  "3%", ["5%", "4.5%", "6%"],
  "receive an employer retirement income account cash contribution of 3% of the participant’s total eligible compensation")
q(N_PEN, "number", "What were 3M's employer contributions to U.S. defined contribution plans in 2022?",
  "$241 million", ["$231 million", "$201 million", "$108 million"],
  "Employer contributions to the U.S. defined contribution plans were $241 million, $231 million and $201 million for 2022, 2021 and 2020, respectively.")
q(N_PEN, "number", "What were 3M's employer contributions to international defined contribution plans in 2022?",
  "$108 million", ["$117 million", "$103 million", "$241 million"],
  "Employer contributions to the international defined contribution plans were $108 million, $117 million and $103 million for 2022, 2021 and 2020, respectively.")
q(N_PEN, "percent", "What discount rate did 3M use for its U.S. postretirement benefit plans at December 31, 2022?",
  "5.25%", ["5.18%", "2.88%", "4.39%"],
  "the Company determined a discount rate of 5.18% for the U.S. pension plans and 5.25% for the postretirement benefit plans as of December 31, 2022")
q(N_PEN, "number", "By approximately how much did the higher discount rate at December 31, 2022 lower 3M's U.S. pension and postretirement benefit obligation?",
  "$4.5 billion", ["$2.3 billion", "$1.2 billion", "$6.0 billion"],
  "resulted in an approximately $4.5 billion lower benefit obligation for the U.S. pension and postretirement plans")
q(N_PEN, "percent", "What expected return on plan assets did 3M assume for its primary U.S. qualified pension plan in 2022?",
  "6.00%", ["7.50%", "5.18%", "6.75%"],
  "For the primary U.S. qualified pension plan, the Company’s assumption for the expected return on plan assets was6.00% in 2022.")
q(N_PEN, "percent", "What allocation to fixed-income securities underpinned the 2022 expected return assumption of 3M's U.S. pension plan?",
  "60%", ["10%", "14%", "16%"],
  "based on an asset allocation assumption of 10% global equities, 14% private equities, 60% fixed-income securities, and 16% absolute return investments")
q(N_PEN, "percent", "What rate of return did 3M's primary U.S. pension plan assets earn in 2021?",
  "6.7%", ["13.6%", "-17.4%", "5.2%"],
  "In 2021 the plan earned a rate of return of 6.7% and in 2020 earned a return of 13.6%.")
q(N_PEN, "percent", "What has been the average annual actual return on 3M's U.S. pension plan assets over the past 25 years?",
  "7.1%", ["5.2%", "6.7%", "7.5%"],
  "The average annual actual return on the plan assets over the past10 and 25 years has been 5.2% and 7.1%, respectively.")
q(N_PEN, "number", "How much did 3M contribute to its U.S. and international pension plans in 2022?",
  "$155 million", ["$177 million", "$203 million", "$241 million"],
  "During 2022, the Company contributed $155 million to its U.S. and international pension plans and $3 million to its postretirement plans.")
q(N_PEN, "percent", "For U.S. retirees who left on or after January 1, 2016, at what annual rate do 3M's health savings account contributions rise?",
  "1.5%", ["3%", "2.5%", "5%"],
  "The contributions provided by the Company to the health savings accounts increase 3 percent per year for employees who retired prior to January 1, 2016 and increase1.5% for employees who retire on or after January 1, 2016.")
q(N_PEN, "percent", "Approximately what share of 3M's postretirement benefit plan assets are held in a 401(h) account?",
  "72%", ["60%", "50%", "85%"],
  "Approximately 72% of the postretirement benefit plan assets are in a 401(h) account.")
# ---------------------------------------------------------------- Note 16 respirator mask / asbestos, Aearo
q(N_RESP, "number", "Approximately how many individual claimants did the respirator mask/asbestos lawsuits against 3M purport to represent at December 31, 2022?",
  "4,028", ["3,876", "5,258", "4,820"],
  "As of December 31, 2022, the Company is a named defendant, with multiple co-defendants, in numerous lawsuits in various courts that purport to represent approximately 4,028 individual claimants")
q(N_RESP, "number", "Of the respirator/asbestos cases tried to a jury over the past twenty-plus years, how many has 3M prevailed in?",
  "Fifteen of sixteen", ["Twelve of sixteen", "Ten of fourteen", "Sixteen of sixteen"],
  "Over the past twenty plus years, the Company has prevailed in fifteen of the sixteen cases tried to a jury")
q(N_RESP, "number", "What did 3M pay in 2019 to settle most of the then-pending Kentucky and West Virginia coal mine dust suits?",
  "$340 million", ["$63 million", "$897 million", "$604 million"],
  "In 2019, the Company settled a substantial majority of the then-pending coal mine dust lawsuits in Kentucky and West Virginia for $340 million")
q(N_RESP, "number", "What was 3M's accrual for respirator mask/asbestos liabilities (excluding Aearo) at December 31, 2022?",
  "$604 million", ["$592 million", "$340 million", "$1.2 billion"],
  "As of December 31, 2022, the Company had an accrual for respirator mask/asbestos liabilities (excluding Aearo accruals) of $604 million.")
q(N_RESP, "number", "By how much did 3M increase its respirator mask/asbestos accruals in 2022?",
  "$31 million", ["$67 million", "$46 million", "$659 million"],
  "the Company increased its accruals in 2022 for respirator mask/asbestos liabilities by $31 million")
q(N_RESP, "number", "How much did 3M pay in 2022 for legal defense costs and settlements in respirator mask/asbestos litigation?",
  "$67 million", ["$31 million", "$479 million", "$46 million"],
  "In 2022, the Company made payments for legal defense costs and settlements of $67 million related to the respirator mask/asbestos litigation.")
q(N_RESP, "date", "Approaching which year does the estimation period for future respirator mask/asbestos claims in 3M's accrual extend?",
  "2050", ["2030", "2040", "2060"],
  "reflects an estimation period for future claims that may be filed against the Company approaching the year 2050")
q(N_RESP, "number", "What was 3M's receivable for insurance recoveries related to respirator mask/asbestos litigation at December 31, 2022?",
  "$4 million", ["$8 million", "$46 million", "$31 million"],
  "As of December 31, 2022, the Company’s receivable for insurance recoveries related to the respirator mask/asbestos litigation was $4 million.")
q(N_RESP, "number", "Under West Virginia's unfair trade practices claim against 3M, what civil penalty per violation does the State seek?",
  "Up to $5,000", ["Up to $1,000", "Up to $10,000", "Up to $50,000"],
  "which seeks civil penalties of up to $5,000 per violation under the state's Consumer Credit Protection Act")
q(N_RESP, "number", "What quarterly fee does Aearo pay Cabot to retain responsibility for certain pre-1995 respirator claims?",
  "$100,000", ["$50,000", "$250,000", "$1 million"],
  "so long as Aearo pays to Cabot a quarterly fee of $100,000, Cabot will retain responsibility and liability for, and indemnify Aearo against")
q(N_RESP, "date", "On what date did a 3M subsidiary acquire the stock of Aearo Holding Corp.?",
  "April 1, 2008", ["July 11, 1995", "January 1, 1997", "July 26, 2008"],
  "On April 1, 2008, a subsidiary of the Company acquired the stock of Aearo Holding Corp., the parent of Aearo Technologies (“Aearo”).")
q(N_RESP, "number", "What accruals did Aearo carry at December 31, 2021 for its asbestos, silica and coal mine dust product liabilities and defense costs?",
  "$46 million", ["$604 million", "$31 million", "$100 million"],
  "as of December 31, 2021, the Company, through its Aearo subsidiary, had accruals of $46 million for product liabilities and defense costs")

# ---------------------------------------------------------------- Note 16 PFAS / environmental
q(N_PFAS, "number", "In its July 2022 agreement with the Flemish Government, what aggregate amount did 3M Belgium commit?",
  "571 million euros", ["150 million euros", "125 million euros", "355 million euros"],
  "Pursuant to the agreement, 3M Belgium, among other things, committed an aggregate of 571 million euros, which includes the previous commitments described above.")
q(N_PFAS, "number", "How much did 3M pledge in September 2021 for Zwijndrecht community actions over the following three years?",
  "Up to 125 million euros", ["Up to 150 million euros", "Up to 571 million euros", "Up to 50 million euros"],
  "announced a plan to invest up to 125 million euros in the next three years in actions related to the Zwijndrecht community")
q(N_PFAS, "number", "What investment did 3M announce in March 2022 to advance remediation of legacy PFAS at the Zwijndrecht facility?",
  "150 million euros", ["125 million euros", "571 million euros", "355 million euros"],
  "In March 2022, the Company announced an investment of 150 million euros to advance remedial actions to address legacy PFAS previously produced at the Zwijndrecht facility.")
q(N_PFAS, "number", "Approximately what pre-tax charge did 3M record in the first half of 2022 in connection with the Zwijndrecht actions?",
  "$500 million", ["$355 million", "$897 million", "$659 million"],
  "the Company recorded a pre-tax charge of approximately $500 million in the first half of 2022, with approximately $355 million in the second quarter of 2022")
q(N_PFAS, "number", "Approximately how much of 3M's Zwijndrecht-related pre-tax charge was recorded in the second quarter of 2022?",
  "$355 million", ["$500 million", "$145 million", "$571 million"],
  "with approximately $355 million in the second quarter of 2022")
q(N_PFAS, "number", "How many actions against 3M Belgium were pending in Belgian civil courts at December 31, 2022?",
  "Nine", ["Four", "Twelve", "Twenty-four"],
  "As of December 31, 2022, a total of nine actions against 3M Belgium are pending in Belgian civil courts.")
q(N_PFAS, "number", "For how many different PFAS does 3M Belgium's new two-year wastewater discharge permit (May 2022) set strict limits?",
  "24", ["9", "20", "4"],
  "3M Belgium received a new two-year permit in May 2022 which contains strict new limits for 24 different PFAS, effective July 1, 2022.")
q(N_PFAS, "number", "What final lifetime health advisory level did EPA set in June 2022 for GenX (HFPO-DA and its salts)?",
  "4 ppt", ["2,000 ppt", ".004 ppt", ".02 ppt"],
  "In June 2022, EPA released new final lifetime health advisory levels for PFBS (2,000 ppt) and HFPO-DA and its salts (“GenX”) (4 ppt)")
q(N_PFAS, "number", "What interim lifetime health advisory level did EPA set in June 2022 for PFOA?",
  ".004 ppt", [".02 ppt", "4 ppt", "35 ppt"],
  "new interim lifetime health advisory levels for PFOA (.004 ppt) and PFOS (.02 ppt)")
q(N_PFAS, "number", "What is Minnesota's current Health Based Value (HBV) for PFOA in drinking water?",
  "35 ppt", ["15 ppt", "47 ppt", "2 ppb"],
  "As of 2021, the current HBVs are 35 ppt for PFOA, 15 ppt for PFOS, 47 ppt for PFHxS and 2 ppb for PFBS.")
q(N_PFAS, "number", "How many Minnesota facilities are preliminarily scoped into the MPCA PFAS Monitoring Plan, including four 3M sites?",
  "137", ["37", "61", "170"],
  "Four 3M facilities - Cottage Grove, Maplewood, Hutchinson, and Woodbury - are among the 137 Minnesota facilities that are preliminarily scoped to be within the Monitoring Plan.")
q(N_PFAS, "date", "From what date does Maine's PFAS law ban intentionally added PFAS in products?",
  "January 1, 2030", ["January 1, 2023", "January 1, 2025", "January 1, 2027"],
  "which bans intentionally added PFAS in products effective January 1, 2030")
q(N_PFAS, "number", "How many states enacted laws between 2018 and 2022 requiring written notification of firefighting PPE containing PFAS?",
  "Seven", ["Three", "Nine", "Twelve"],
  "Between 2018 and 2022, seven states have enacted laws requiring written notification of firefighting personal protective equipment (PPE) that contains PFAS")
q(N_PFAS, "number", "For how much did 3M settle the West Morgan-East Lawrence Water & Sewer Authority lawsuit in April 2019?",
  "$35 million", ["$30 million", "$99 million", "$340 million"],
  "In April 2019, 3M settled a lawsuit brought by the West Morgan-East Lawrence Water & Sewer Authority for $35 million")
q(N_PFAS, "number", "Approximately how much did 3M agree to contribute under its November 2021 collaborative agreement with the City of Decatur, Decatur Utilities and Morgan County?",
  "$99 million", ["$35 million", "$30 million", "$165 million"],
  "the Company agreed to contribute approximately $99 million and also to continue to address certain PFAS-related matters in the area")
q(N_PFAS, "number", "How much did 3M agree to contribute in its December 2021 settlement with the Guin Water Works and Sewer Board?",
  "$30 million", ["$35 million", "$99 million", "$60 million"],
  "in December 2021, the parties reached a settlement under which 3M agreed to contribute $30 million")
q(N_PFAS, "date", "Over approximately which years did 3M manufacture and market AFFF firefighting foam?",
  "1963 to 2002", ["1950 to 2000", "1970 to 2008", "1963 to 2015"],
  "3M manufactured and marketed AFFF for use in firefighting at airports and military bases from approximately 1963 to 2002.")
q(N_PFAS, "number", "Approximately how many AFFF lawsuits had been filed against 3M as of December 31, 2022?",
  "3,350", ["4,028", "5,258", "2,000"],
  "As of December 31, 2022,3,350 lawsuits (including approximately 34 putative class actions and more than 200 public water systems) alleging injuries or damages by AFFF use have been filed against 3M")
q(N_PFAS, "entity", "In which federal court is the AFFF multi-district litigation (MDL) centralized?",
  "U.S. District Court for the District of South Carolina", ["U.S. District Court for the Northern District of Florida", "U.S. District Court for the District of Minnesota", "U.S. District Court for the Southern District of Ohio"],
  "to the U.S. District Court for the District of South Carolina to be managed in an MDL proceeding to centralize pre-trial proceedings")
q(N_PFAS, "entity", "Which case did the AFFF MDL court select in September 2022 as the first bellwether trial (a public water supplier case)?",
  "City of Stuart, Florida", ["City of Rome, Georgia", "City of Corona, California", "City of Decatur, Alabama"],
  "In September 2022, the court selected the City of Stuart, Florida public water supplier case as the first bellwether trial, to begin in June 2023.")
q(N_PFAS, "number", "By how much did 3M increase its accrual for PFAS-related other environmental liabilities during 2022?",
  "$659 million", ["$479 million", "$592 million", "$897 million"],
  "the Company increased its accrual for PFAS-related other environmental liabilities by $659 million since December 31, 2021 and made related payments of $479 million")
q(N_PFAS, "number", "What liabilities had 3M recorded for \"other environmental liabilities\" as of December 31, 2022?",
  "$592 million", ["$659 million", "$604 million", "$29 million"],
  "As of December 31, 2022, the Company had recorded liabilities of $592 million for “other environmental liabilities.”")
q(N_PFAS, "number", "What liabilities had 3M recorded for non-PFAS environmental remediation costs as of December 31, 2022?",
  "$29 million", ["$592 million", "$8 million", "$48 million"],
  "As of December 31, 2022, the Company had recorded liabilities of $29 million for estimated non-PFAS related “environmental remediation” costs")
q(N_PFAS, "number", "What was 3M's receivable for insurance recoveries related to environmental matters and litigation at December 31, 2022?",
  "$8 million", ["$4 million", "$29 million", "$318 million"],
  "As of December 31, 2022, the Company’s receivable for insurance recoveries related to the environmental matters and litigation was $8 million.")
q(N_PFAS, "entity", "At which 3M plant did the Company halt manufacture of FBSA and FBSEE in March 2019 after possible releases into the Tennessee River?",
  "Decatur, Alabama", ["Cordova, Illinois", "Cottage Grove, Minnesota", "Guin, Alabama"],
  "The Company operates under a 2009 consent order issued under the federal Toxic Substances Control Act (TSCA) (the “2009 TSCA consent order”) for the manufacture and use of two perfluorinated materials (FBSA and FBSEE) at its Decatur, Alabama site")
q(N_PFAS, "date", "When did 3M permanently retire its Cottage Grove hazardous waste incinerator?",
  "December 2021", ["May 2022", "June 2020", "December 2022"],
  "and permanently retired the Cottage Grove hazardous waste incinerator in December 2021")
q(N_PFAS, "fact", "Under its November 2022 SDWA Administrative Consent Order for the Cordova facility, for which Iowa public drinking water system must 3M provide alternate treatment/supply?",
  "Camanche, Iowa", ["Davenport, Iowa", "Clinton, Iowa", "Bettendorf, Iowa"],
  "and to provide alternate treatment/supply for the Camanche, Iowa public drinking water system")
q(N_PFAS, "number", "Approximately how many miles of the Lower Passaic River are covered by the Occidental Chemical cost-recovery complaint naming 3M?",
  "About eight miles", ["About two miles", "About seventeen miles", "About twenty-five miles"],
  "seeking cost recovery and contribution towards the cleaning up of approximately eight miles of the Lower Passaic River in New Jersey")
q(N_PFAS, "date", "By the end of which year had 3M fully stopped producing, and significantly using, the PFAS chemistry it began phasing out in 2000?",
  "2008", ["2000", "2002", "2015"],
  "ceased all manufacturing and the last significant use of this chemistry by the end of 2008")
q(N_PFAS, "entity", "Which 3M subsidiary operates the Gendorf facility in Germany?",
  "Dyneon", ["3M Belgium", "Aearo Technologies", "Kindeva"],
  "Dyneon, a 3M subsidiary that operates the Gendorf facility in Germany")

# ---------------------------------------------------------------- Note 16 Combat Arms earplugs and other litigation
q(N_CAE, "date", "During which years did 3M itself sell Dual-Ended Combat Arms Version 2 earplugs?",
  "2008 through 2015", ["2003 through 2008", "2003 through 2015", "2008 through 2018"],
  "3M acquired Aearo Technologies in 2008 and sold these earplugs from 2008 through 2015, when the product was discontinued.")
q(N_CAE, "number", "From approximately how many claimants does 3M face Combat Arms Earplugs litigation in total?",
  "About 232,000", ["About 141,000", "About 90,700", "About 300,000"],
  "but nevertheless, as discussed below, face litigation from approximately 232,000 claimants")
q(N_CAE, "number", "How much has 3M committed to fund the Aearo chapter 11 trust (excluding projected case expenses)?",
  "$1.0 billion", ["$1.2 billion", "$0.2 billion", "$2.3 billion"],
  "3M has committed $1.0 billion to fund this trust and has committed an additional $0.2 billion to fund projected related case expenses.")
q(N_CAE, "number", "How much additional funding did 3M commit for projected case expenses related to the Aearo trust?",
  "$0.2 billion", ["$1.0 billion", "$0.5 billion", "$0.1 billion"],
  "3M has committed $1.0 billion to fund this trust and has committed an additional $0.2 billion to fund projected related case expenses.")
q(N_CAE, "entity", "In which bankruptcy court did the Aearo Entities file their chapter 11 cases?",
  "U.S. Bankruptcy Court for the Southern District of Indiana", ["U.S. Bankruptcy Court for the District of Delaware", "U.S. Bankruptcy Court for the Southern District of New York", "U.S. Bankruptcy Court for the District of Minnesota"],
  "Upon the filings in late July 2022 in the U.S Bankruptcy Court for the Southern District of Indiana")
q(N_CAE, "fact", "How did the Bankruptcy Court rule in August 2022 on Aearo's motion to stay Combat Arms litigation against 3M?",
  "It denied the preliminary injunction", ["It granted a stay of all claims", "It granted a stay for 12 months only", "It referred the question to the MDL court"],
  "In August 2022, the Bankruptcy Court denied Aearo’s motion for a preliminary injunction to stay all Combat Arms related litigation against 3M.")
q(N_CAE, "date", "To what date did parties agree in December 2022 to extend Aearo's exclusivity period to file a plan of reorganization?",
  "March 31, 2023", ["June 30, 2023", "January 20, 2023", "December 31, 2023"],
  "the parties to the Aearo bankruptcy agreed to extend the exclusivity period for Aearo to file a plan for reorganization to March 31, 2023")
q(N_CAE, "number", "What accrued liability did 3M's balance sheet carry at December 31, 2022 for its Aearo-related commitments?",
  "$1.2 billion", ["$0.7 billion", "$0.6 billion", "$1.0 billion"],
  "$1.2 billion accrued liability related to the commitments describe above")
q(N_CAE, "number", "Approximately how many individual claimants did the Combat Arms lawsuits naming 3M purport to represent at December 31, 2022?",
  "About 141,000", ["About 232,000", "About 90,700", "About 4,028"],
  "purport to represent approximately 141,000 individual claimants making similar allegations")
q(N_CAE, "entity", "To which federal court were Combat Arms Earplugs cases consolidated in an MDL in April 2019?",
  "U.S. District Court for the Northern District of Florida", ["U.S. District Court for the District of South Carolina", "U.S. District Court for the District of Minnesota", "U.S. District Court for the Southern District of Indiana"],
  "to the U.S. District Court for the Northern District of Florida to be managed in an MDL proceeding to centralize pre-trial proceedings")
q(N_CAE, "number", "What total damages did the jury award the three plaintiffs in the first Combat Arms bellwether trial in April 2021?",
  "$7 million", ["$1 million", "$8 million", "$77 million"],
  "The jury awarded thethree plaintiffs less than $1 million in compensatory damages and $6 million in punitive damages for a total of $7 million.")
q(N_CAE, "percent", "In the third Combat Arms bellwether trial, what share of fault did the jury apportion to 3M?",
  "62 percent", ["38 percent", "50 percent", "75 percent"],
  "The jury apportioned fault 62 percent to 3M and 38 percent to the plaintiff")
q(N_CAE, "number", "What punitive damages did the jury award in the last scheduled federal Combat Arms bellwether trial in May 2022?",
  "$72 million", ["$40 million", "$50 million", "$23 million"],
  "The jury awarded $5 million in compensatory damages and $72 million in punitive damages.")
q(N_CAE, "number", "Approximately how many unfiled and unverified claims were on the Combat Arms MDL administrative docket?",
  "About 90,700", ["About 141,000", "About 232,000", "About 2,000"],
  "An administrative docket of approximately 90,700 unfiled and unverified claims has also been maintained at the MDL court.")
q(N_CAE, "number", "How many cases did the Combat Arms MDL court order the parties to prepare for trial, in four waves?",
  "2,000", ["500", "1,000", "4,000"],
  "The MDL court also ordered the parties to prepare for trial 2,000 cases in four waves of 500 cases over the next 14 months.")
q(N_CAE, "fact", "What did two MDL plaintiffs seek to enjoin in their September 2022 lawsuit against 3M, and how was it resolved?",
  "Asset transfers, dividends and the Health Care spin-off; dismissed in December 2022 on jurisdictional grounds", ["The Food Safety split-off; settled in November 2022", "Share repurchases; enjoined in October 2022", "The PFAS exit; still pending at year-end"],
  "seeking to permanently enjoin 3M from transferring assets, issuing dividends or completing the announced spin-off of its Health Care business, to allegedly preserve assets for the Combat Arms claimants. The Company has filed a motion to dismiss the lawsuit and an opposition to the injunction motion. In December 2022, the court dismissed the lawsuit on jurisdictional grounds.")
q(N_CAE, "number", "Approximately how many plaintiffs were involved in the roughly 40 Combat Arms lawsuits pending in Hennepin County, Minnesota state court?",
  "About 1,000", ["About 5,000", "About 141,000", "About 400"],
  "There are approximately 40 lawsuits involving approximately 1,000 plaintiffs pending in the state court.")
q(N_CAE, "number", "Approximately how many U.S. lawsuits alleged at December 31, 2022 that the Bair Hugger patient warming system caused surgical site infections?",
  "About 5,258", ["About 4,028", "About 3,350", "About 61"],
  "As of December 31, 2022, the Company was a named defendant in approximately 5,258 lawsuits in the United States and one Canadian putative class action")
q(N_CAE, "entity", "Which 3M product is at the center of the MDL in the District of Minnesota alleging surgical site infections?",
  "Bair Hugger patient warming system", ["V.A.C. Therapy system", "Tegaderm wound dressings", "8710 respirator"],
  "alleging that they underwent various joint arthroplasty, cardiovascular, and other surgeries and later developed surgical site infections due to the use of the Bair Hugger™ patient warming system")
q(N_CAE, "date", "In what month and year did the U.S. Supreme Court decline 3M's request to review the Eighth Circuit's Bair Hugger decision?",
  "May 2022", ["November 2021", "February 2022", "August 2021"],
  "In May 2022, the U.S. Supreme Court declined 3M’s request to review the Eighth Circuit court’s decision.")
q(N_CAE, "date", "When did 3M acquire Acelity, Inc. and its KCI subsidiaries?",
  "October 2019", ["May 2020", "April 2008", "January 2018"],
  "In October 2019, 3M acquired Acelity, Inc. and its KCI subsidiaries, including Kinetic Concepts, Inc. and KCI USA, Inc.")
q(N_CAE, "entity", "Which KCI product's billing is at issue in the remaining Hartpence False Claims Act qui tam case?",
  "V.A.C. Therapy", ["Bair Hugger", "Tegaderm", "360 Encompass"],
  "by billing for V.A.C.® Therapy in a manner that was not consistent with the Local Coverage Determinations")
q(N_CAE, "fact", "What was the outcome of the PFAS-related putative securities class action against 3M that was transferred to Minnesota federal court?",
  "It was dismissed in September 2021, and the judgment is final", ["It settled for $35 million in 2022", "It is set for trial in 2023", "It was certified as a class in March 2022"],
  "in September 2021, the Minnesota federal court granted 3M’s motion to dismiss the securities class action, which judgment is now final")
q(N_CAE, "entity", "In which country did the business groups whose travel activities prompted 3M's internal FCPA investigation operate?",
  "China", ["Brazil", "Russia", "India"],
  "arising from marketing efforts by certain business groups based in China")
q(N_CAE, "date", "When did 3M voluntarily disclose its China-related FCPA investigation to the DOJ and SEC?",
  "July 2019", ["December 2019", "July 2020", "January 2022"],
  "In July 2019, the Company voluntarily disclosed this investigation to both the Department of Justice and Securities and Exchange Commission")

# ---------------------------------------------------------------- Notes 15, 17-19 and other
q(N_MISC, "number", "What pre-tax charge did 3M record in 2022 to write down its Russia held-for-sale disposal group?",
  "$109 million", ["$271 million", "$41 million", "$618 million"],
  "As a result, 3M recorded a pre-tax charge of $109 million, primarily within selling, general and administrative expense related to recording this held-for-sale disposal group")
q(N_MISC, "entity", "Which two Transportation and Electronics divisions are affected by 3M's plan to exit PFAS manufacturing?",
  "Electronics Materials Solutions and Advanced Materials", ["Display Materials and Systems and Automotive and Aerospace", "Commercial Solutions and Transportation Safety", "Advanced Materials and Automotive and Aerospace"],
  "The plan affects each of the Electronics Materials Solutions Division and Advanced Materials Division asset groupings/reporting units (both part of the Transportation and Electronics business)")
q(N_MISC, "number", "What were 3M's accrued product warranty liabilities at December 31, 2022?",
  "About $48 million", ["About $177 million", "About $29 million", "About $115 million"],
  "3M’s accrued product warranty liabilities, recorded on the Consolidated Balance Sheet as part of current and long-term liabilities, are estimated at approximately $48 million at December 31, 2022")
q(N_MISC, "number", "How many shares remained available for grant under 3M's Long-Term Incentive Plan at December 31, 2022?",
  "32 million", ["60 million", "26.6 million", "8.4 million"],
  "As of December 31, 2022, the remaining shares available for grant under the LTIP Program are 32 million")
q(N_MISC, "fact", "At what age and service are 3M employees considered retirement-eligible for stock compensation expense recognition?",
  "Age 55 with ten years of service", ["Age 60 with five years of service", "Age 62 with ten years of service", "Age 55 with twenty years of service"],
  "Employees are considered eligible to retire at age 55 and after having completed ten years of service.")
q(N_MISC, "percent", "At what percentage of market value are options granted under 3M's General Employees' Stock Purchase Plan (GESPP)?",
  "85%", ["90%", "95%", "80%"],
  "Participants are granted options at 85% of market value at the date of grant.")
q(N_MISC, "number", "How much unrecognized compensation expense related to non-vested restricted stock and RSUs did 3M have at December 31, 2022?",
  "$108 million", ["$45 million", "$7 million", "$88 million"],
  "As of December 31, 2022, there was $108 million of compensation expense that has yet to be recognized related to non-vested restricted stock and restricted stock units.")
q(N_MISC, "fact", "Which performance criteria applied to 3M's 2022 executive performance share grants?",
  "Organic sales growth, free cash flow growth and EPS growth", ["Return on invested capital, EPS growth and total shareholder return", "Operating margin, organic sales growth and total shareholder return", "Free cash flow conversion, ROIC and operating margin"],
  "The 2022 performance criteria for these performance shares (organic sales growth, free cash flow growth, and earnings per share growth)")
q(N_MISC, "number", "What cash was received from stock option exercises at 3M in 2022?",
  "$205 million", ["$457 million", "$256 million", "$381 million"],
  "Cash received from options exercised during 2022, 2021 and 2020 was $205 million, $457 million and $256 million, respectively.")
q(N_MISC, "fact", "Which change to 3M's segment operating performance measure took effect in the first quarter of 2022?",
  "Eliminating dual credit for certain sales and related operating income", ["Adding dual credit for sales initiated by another segment", "Moving the Consumer segment into Safety and Industrial", "Allocating all corporate costs to segments"],
  "Eliminating inclusion of dual credit in measure of segment operating performance")
q(N_MISC, "number", "How much did 3M pay in the quarter ended December 31, 2022 to the Iran Intellectual Property Office as part of its IP protection efforts?",
  "$354", ["$3,540", "$35,400", "$354,000"],
  "in the quarter ended December 31, 2022, 3M paid $354 as part of its intellectual property protection efforts in Iran")
q(N_MISC, "number", "What additional operating lease commitments not yet commenced did 3M have at December 31, 2022?",
  "About $14 million", ["About $48 million", "About $140 million", "About $318 million"],
  "As of December 31, 2022, the Company has additional operating lease commitments that have not yet commenced of approximately $14 million.")


# ---------------------------------------------------------------- build
def build():
    text_n, words = check_qa.read_report(os.path.join(HERE, "3M_2022_10K.txt"))
    bad, _ = check_qa.entry_problems(Q, text_n, words, SECTIONS)
    if bad:
        check_qa.fail(bad, "qa.jsonl and qa_heldout.jsonl")

    rng = random.Random(SEED)
    # topic-stratified split: within each section, shuffle and hold out ~1/3;
    # the fractional parts are allotted by largest remainder so the total is round(N/3).
    strata = {}
    for i, e in enumerate(Q):
        strata.setdefault(e["section"], []).append(i)
    names = sorted(strata)
    quota = {s: len(strata[s]) * HELDOUT_FRACTION for s in names}
    take = {s: int(quota[s]) for s in names}
    left = round(len(Q) * HELDOUT_FRACTION) - sum(take.values())
    order = sorted(names, key=lambda s: (-(quota[s] - take[s]), rng.random()))
    for s in order[:left]:
        take[s] += 1
    held = set()
    for s in names:
        idx = strata[s][:]
        rng.shuffle(idx)
        held.update(idx[: take[s]])

    def emit(indices, path):
        # one rng for the split, then each file's positions and distractors: that order fixes the files
        pos = check_qa.balanced_positions(len(indices), rng)
        check_qa.write_jsonl(path, [Q[i] for i in indices], pos, rng)
        return len(indices)

    dev = [i for i in range(len(Q)) if i not in held]
    hold = [i for i in range(len(Q)) if i in held]
    n_dev = emit(dev, os.path.join(HERE, "qa.jsonl"))
    n_hold = emit(hold, os.path.join(HERE, "qa_heldout.jsonl"))
    print("wrote qa.jsonl (%d) and qa_heldout.jsonl (%d); %d questions total" % (n_dev, n_hold, len(Q)))


if __name__ == "__main__":
    build()
