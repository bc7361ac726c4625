// templates.h: the synthetic-data generator's phrase banks (data_prep/synth.h): the sentence, question,
// passage and comparison frames it fills with a document's facts, and the phrase swaps it rewords with.
// Data only: the words here are the templates' own; every number and name comes from the document.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace synth {

// templates. Placeholders: {E} entity, {EP} entity's, {ES} entity's subject, {S} subject, {SC} subject
// capitalised, {L} row label (and its column, if any), {P} period phrase, {PC} capitalised, {PY} year, {V} value, {D} document,
// {SRC} the table ("its Consolidated Statement of Income"), {s} sentence, {sl} sentence with a lower-case
// start, {m} a figure or name from the sentence, {b} the sentence with a blank, {A} {B} {C} entities.
// A leading '@' marks a template that needs a period.

inline const std::vector<std::string>& cell_statements() {
    static const std::vector<std::string> t = {
        "{ES} {P} came to {V}.", "{ES} {P} amounted to {V}.", "{ES} totaled {V} {P}.", "@{PC}, {ES} stood at {V}.",
        "@{PC}, {E} reported {S} of {V}.", "{E} reported {S} of {V} {P}.", "{V} was the figure {E} reported for {S} {P}.",
        "{V} is what {D} shows for {S} {P}.", "According to {D}, {S} {P} came to {V}.", "In {SRC}, {S} {P} is given as {V}.",
        "{SC} at {E} {P}: {V}.", "@{E}, {S}, {PY}: {V}.", "The amount of {S} that {E} recorded {P} was {V}.",
        "{V} of {S} was recorded by {E} {P}.", "Looking at {D}, one finds {S} of {V} {P}.", "For {E}, the line \"{L}\" shows {V} {P}.",
        "Reported {S} for {E} {P} reached {V}.", "{E} disclosed {V} for {S} {P}.", "A value of {V} appears for {S} {P} in {D}.",
        "@{SC} ({E}, {PY}): {V}.", "@{PC}, {V} was reported by {E} as {S}.", "@{EP} {PY} figure for {S}: {V}.",
        "{V} - that is {ES} {P}.", "The {V} reported by {E} {P} refers to {S}.", "{V} corresponds to {S} in {D} {P}.",
        "In {D}, the amount {V} {P} is attributed to {S}.", "{E} put its {S} at {V} {P}.", "{ES} {P}? {V}.",
        "@Fiscal {PY}: {ES} came to {V}.", "{D} lists {S} of {V} {P}.", "Per {D}, {E} had {S} of {V} {P}.",
        "{SC}, as reported by {E} {P}, was {V}.", "{E} shows {V} as its {S} {P}.", "On {S}, {D} gives {V} {P}.",
        "{E} booked {V} of {S} {P}.", "{ES} was {V} {P}.", "@{PC}, {ES} reached {V}.", "{E} recorded {S} totaling {V} {P}.",
        "{D} puts {S} {P} at {V}.", "{V} in {S}: that is what {E} booked {P}.", "If you look up {S} {P} in {D}, you find {V}.",
        "{E} ended up with {S} of {V} {P}.", "The {S} line of {E} reads {V} {P}.", "Figures from {D}: {S} {P} equaled {V}.",
        "{EP} books show {S} of {V} {P}.", "{ES} registered {V} {P}.", "{E} posted {V} in {S} {P}.", "@{PC}, {E} had {V} of {S}.",
        "@{PC}, {D} records {S} of {V}.", "It was {V}: {ES} {P}.", "The reported value of {S} {P} is {V}.", "{ES} {P} equaled {V}.",
        "{V} was recorded as {S} {P}, {D} shows.", "{SC} at {E} came in at {V} {P}.", "As {D} shows, {S} {P} was {V}.",
        "{E} lists {V} under {S} {P}.", "Turning to {S}: {E} reported {V} {P}.", "{SC} {P}? {D} answers {V}.",
        "@In {SRC}, the {PY} column shows {V} for {S}.", "{SC} ({P}) stood at {V} for {E}."};
    return t;
}
inline const std::vector<std::string>& cell_questions() {
    static const std::vector<std::string> t = {
        "What was the amount of {ES} {P}?", "How much did {E} report for {S} {P}?", "What did {E} report as {S} {P}?",
        "According to {D}, what was {ES} {P}?", "What figure does {D} give for {S} {P}?", "@{PC}, what did {ES} come to?",
        "What value of {S} did {E} disclose {P}?", "In {SRC}, what is shown for {S} {P}?", "What was the reported {S} for {E} {P}?",
        "How large was {ES} {P}?", "What number did {E} record for {S} {P}?", "Give {ES} {P}.", "What were the figures for {S} at {E} {P}?",
        "Which amount did {E} state for {S} {P}?", "@What was {ES} in fiscal {PY}?", "@For fiscal {PY}, what did {E} report as {S}?",
        "What does {D} show for {S} {P}?", "Do you know {ES} {P}?", "@{EP} {S} for {PY} was how much?", "{ES} {P} was what amount?",
        "How much was {ES} {P}?", "Tell me {ES} {P}.", "What amount of {S} did {E} post {P}?", "Can you give {ES} {P}?",
        "@{PC}, how much {S} did {E} have?", "Looking at {D}, what is {S} {P}?", "What was the value of {S} for {E} {P}?",
        "Per {D}, how much was {S} {P}?", "What {S} figure did {E} report {P}?", "What is listed for {S} {P} in {D}?",
        "How big was {ES} {P}?", "What was {E}'s figure for {S} {P}?", "@In {SRC}, what does the {PY} column give for {S}?",
        "Which value did {D} record for {S} {P}?"};
    return t;
}
inline const std::vector<std::string>& answer_forms() {
    static const std::vector<std::string> t = {"{V}", "{V}", "{V}", "{V}.", "It was {V}.", "{ES} {P} came to {V}.", "The answer is {V}.", "{E} reported {V}.",
                                               "{V}, according to {D}.", "That figure was {V}.", "{ES} {P} was {V}.", "{V}, per {D}.",
                                               "It came to {V}.", "The figure is {V}.", "{D} gives {V}.", "{E} reported {S} of {V} {P}."};
    return t;
}
inline const std::vector<std::string>& qa_formats() {
    // "Question: ...\nAnswer: ..." is the prompt the downstream multiple-choice evaluation scores: it comes most often
    static const std::vector<std::string> t = {"Q: {q}\nA: {a}", "Question: {q}\nAnswer: {a}", "Question: {q}\nAnswer: {a}", "Question: {q}\nAnswer: {a}",
                                               "{q} {a}", "{q}\n{a}", "Q. {q} A. {a}", "{q}\nAnswer: {a}", "Q: {q}\n\nA: {a}",
                                               "Question: {q}\nResponse: {a}", "{q}\n- {a}"};
    return t;
}
inline const std::vector<std::string>& sentence_frames() {
    static const std::vector<std::string> t = {
        "{s}", "{s}", "According to {D}, {sl}", "{D} states: {s}", "As {E} reports in its annual report, {sl}", "From {D}: {s}",
        "{E} disclosed the following in {D}: {s}", "One statement in {D} reads: \"{s}\"", "Per {D}, {sl}", "Here is a fact from {D}. {s}",
        "{s} This is stated in {D}.", "{s} (Source: {D}.)", "Note from {D}: {s}", "{D} reports that {sl}", "In {D}, {E} writes: {s}",
        "A point from {D}: {s}", "{E} notes in {D}: {s}", "Reading {D}: {s}", "{EP} annual report mentions that {sl}",
        "It is reported in {D} that {sl}", "{D} explains: {s}", "As stated in {D}, {sl}", "{E} says in {D} that {sl}",
        "Worth noting from {D}: {s}", "{s} So reports {D}.", "Per {E}: {s}", "In its filing, {E} states that {sl}",
        "The annual report of {E} says: {s}", "{s} That is how {D} puts it."};
    return t;
}
inline const std::vector<std::string>& figure_frames() {  // put a figure of the sentence up front or at the end
    static const std::vector<std::string> t = {"{m}: {s}", "{s} The figure to note is {m}.", "Key figure {m}. {s}", "{m} - {s}",
                                               "{s} ({m}.)", "On {m}, {D} says: {s}"};
    return t;
}
inline const std::vector<std::string>& cloze_forms() {
    static const std::vector<std::string> t = {
        "Fill in the blank from {D}: {b}\nAnswer: {m}", "Q: What completes this statement from {D}? \"{b}\"\nA: {m}",
        "{b} (The blank is {m}.)", "Question: According to {D}, what belongs in the gap? {b}\nAnswer: {m}",
        "Complete the sentence about {E}: {b} -> {m}", "Missing word(s) in {D}: \"{b}\" Answer: {m}."};
    return t;
}
inline const std::vector<std::string>& about_questions() {
    static const std::vector<std::string> t = {"What does {D} say about {m}?", "What does {E} report about {m}?", "What is known about {m} from {D}?",
                                               "Tell me about {m} in {D}.", "How does {D} describe {m}?", "What did {E} disclose regarding {m}?"};
    return t;
}
inline const std::vector<std::string>& passage_intros() {
    static const std::vector<std::string> t = {
        "{A} and {B} in {D}.", "What {D} says about {A} and {B}.", "How are {A} and {B} related in {EP} annual report? The report connects them as follows.",
        "This passage collects the statements of {D} that involve both {A} and {B}.", "Relations between {A} and {B}, as described by {E}.",
        "Consider {A} together with {B}.", "{A}, {B}: notes from {D}.", "Where {D} mentions {A}, it often mentions {B} too.",
        "A study of {A} and {B} based on {D}.", "{A} meets {B}: what {E} reports.", "Linking {A} and {B} through {D}.",
        "Both {A} and {B} appear in {D}; here is what it says.", "On the connection between {A} and {B} ({D}).",
        "Notes on {A} and on {B}, drawn from {D}.", "What {E} discloses about {A} in relation to {B}.",
        "Reading {D} for {A} and {B}.", "{B} and {A}: the record in {D}."};
    return t;
}
inline const std::vector<std::string>& triple_intros() {
    static const std::vector<std::string> t = {"{A}, {B} and {C} in {D}.", "How {D} links {A}, {B} and {C}.",
                                               "Statements of {D} involving {A}, {B} and {C}.", "On {A}, {B} and {C}, according to {E}.",
                                               "{C}, {A} and {B}: what {D} records.", "Three related subjects in {D}: {A}, {B}, {C}."};
    return t;
}
inline const std::vector<std::string>& single_intros() {
    static const std::vector<std::string> t = {"What {D} says about {A}.", "{A}, according to {D}.", "Notes on {A} from {EP} annual report.",
                                               "Everything {D} states about {A}.", "{A} in {D}.", "A profile of {A}, based on {D}.",
                                               "What {E} discloses on {A}.", "{A}: the facts {D} gives.", "Reading {D} on {A}.",
                                               "Key points about {A} from {E}."};
    return t;
}
inline const std::vector<std::string>& passage_closings() {
    static const std::vector<std::string> t = {"", "", "These statements link {A} with {B}.", "In short, {D} ties {A} to {B} through the facts above.",
                                               "Taken together, this is how {E} describes {A} and {B}."};
    return t;
}
inline const std::vector<std::string>& alone_frames() {  // before a fact about one entity of a passage, {A}
    static const std::vector<std::string> t = {"On {A} alone, {D} also says:", "About {A} by itself:", "{A} on its own:", "As for {A} alone,",
                                               "Looking only at {A}:", "Regarding {A} in particular:", "On {A}, {D} adds:"};
    return t;
}
inline const std::vector<std::string>& connectors() {
    static const std::vector<std::string> t = {"", "", "", "Also, ", "In addition, ", "Moreover, ", "Separately, ", "Relatedly, ", "Beyond that, ", "Further, ",
                                               "Next, ", "On a related note, ", "Along the same lines, ", "At the same time, ", "Meanwhile, ",
                                               "Another point: ", "Likewise, ", "Add to this that "};
    return t;
}
// a period "in 2022" said other ways ({Y}: the year)
inline const std::vector<std::string>& period_forms() {
    static const std::vector<std::string> t = {"in {Y}", "in {Y}", "in {Y}", "for {Y}", "during {Y}", "in fiscal {Y}", "for fiscal year {Y}", "in the {Y} fiscal year"};
    return t;
}
// Comparisons of one line between two periods, {PA}/{VA} the earlier and {PB}/{VB} the later: the
// direction is read off the two printed values (an ordering, never a computed difference).
inline const std::vector<std::string>& compare_up() {
    static const std::vector<std::string> t = {
        "{ES} rose from {VA} {PA} to {VB} {PB}.", "{ES} was higher {PB} ({VB}) than {PA} ({VA}).", "{ES} increased, from {VA} {PA} to {VB} {PB}.",
        "Compared with {VA} {PA}, {ES} grew to {VB} {PB}.", "{PBC}, {ES} ({VB}) was above the {VA} of {YA}.",
        "{D} shows {S} going up: {VA} {PA}, {VB} {PB}.", "Between {YA} and {YB}, {ES} moved up from {VA} to {VB}."};
    return t;
}
inline const std::vector<std::string>& compare_down() {
    static const std::vector<std::string> t = {
        "{ES} fell from {VA} {PA} to {VB} {PB}.", "{ES} was lower {PB} ({VB}) than {PA} ({VA}).", "{ES} decreased, from {VA} {PA} to {VB} {PB}.",
        "Compared with {VA} {PA}, {ES} declined to {VB} {PB}.", "{PBC}, {ES} ({VB}) was below the {VA} of {YA}.",
        "{D} shows {S} going down: {VA} {PA}, {VB} {PB}.", "Between {YA} and {YB}, {ES} moved down from {VA} to {VB}."};
    return t;
}
inline const std::vector<std::string>& compare_same() {
    static const std::vector<std::string> t = {"{ES} was {VB} both {PA} and {PB}.", "{ES} did not change between {YA} and {YB}: {VB}."};
    return t;
}
inline const std::vector<std::string>& compare_questions() {
    static const std::vector<std::string> t = {"Was {ES} higher {PA} or {PB}?", "Did {ES} rise or fall between {YA} and {YB}?",
                                               "How did {ES} change from {YA} to {YB}?", "Which was larger, {ES} {PA} or {PB}?",
                                               "Compare {ES} {PA} with {PB}."};
    return t;
}
// two lines of one table in the same column: {S1}/{V1} the larger
inline const std::vector<std::string>& compare_rows() {
    static const std::vector<std::string> t = {
        "{PC}, {EP} {S1} ({V1}) was above its {S2} ({V2}).", "{E} reported more {S1} than {S2} {P}: {V1} against {V2}.",
        "{SC2} ({V2}) was below {S1} ({V1}) at {E} {P}.", "In {SRC}, {S1} {P} ({V1}) exceeds {S2} ({V2}).",
        "Of the two lines, {S1} and {S2}, the first was larger {P}: {V1} versus {V2}."};
    return t;
}
// a user's request that a restatement answers, {X}: what the facts are about
inline const std::vector<std::string>& restate_requests() {
    static const std::vector<std::string> t = {
        "What does {D} say about {X}?", "Summarize what {E} reports on {X}.", "Tell me about {X} at {E}.", "What did {E} disclose about {X}?",
        "Can you restate what {D} reports on {X}?", "Give me the facts on {X} from {D}.", "What do we know about {X} from {EP} filing?",
        "Walk me through {X}, according to {D}.", "I am reading {D}. What does it say on {X}?"};
    return t;
}
inline const std::vector<std::string>& restate_requests_general() {
    static const std::vector<std::string> t = {"What does {D} report? Give me a few of its statements.", "Quote some facts from {D}.",
                                               "Tell me a few things {E} states in {D}.", "What are some statements {E} makes in its annual report?"};
    return t;
}
// phrase swaps that keep a sentence's meaning (the document's own words on the left)
inline const std::vector<std::pair<std::string, std::vector<std::string>>>& reword_swaps() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> t = {
        {"approximately $", {"about $", "roughly $", "some $", "around $"}}, {"approximately ", {"about ", "roughly ", "around "}},
        {"primarily ", {"mainly ", "chiefly ", "largely ", "mostly "}}, {"In addition, ", {"Additionally, ", "Also, ", "Further, ", "On top of that, "}},
        {" due to ", {" because of ", " owing to ", " as a result of "}}, {" compared to ", {" compared with ", " versus ", " against "}},
        {" resulted in ", {" led to ", " brought about "}}, {" increased by ", {" rose by ", " grew by ", " went up by "}},
        {" decreased by ", {" fell by ", " declined by ", " went down by "}}, {" increased ", {" rose ", " grew ", " went up "}},
        {" decreased ", {" fell ", " declined ", " dropped "}}, {" increase in ", {" rise in ", " growth in "}},
        {" decrease in ", {" decline in ", " drop in ", " reduction in "}}, {" purchased ", {" bought ", " acquired "}},
        {" as well as ", {" and also ", " along with "}}, {" significant ", {" substantial ", " considerable "}},
        {" in order to ", {" to "}}, {" prior year ", {" previous year ", " year before "}}, {" utilizes ", {" uses "}}, {" utilize ", {" use "}},
        {" However, ", {" But ", " Still, ", " Even so, "}}, {" related to ", {" tied to ", " connected with ", " associated with "}},
        {" as a result of ", {" because of ", " as a consequence of "}}, {" including ", {" among them ", " such as "}},
        {" partially offset by ", {" partly offset by ", " in part offset by "}}, {" impacted ", {" affected "}}, {" impacts ", {" effects "}},
        {" additional ", {" further ", " extra "}}, {" expects ", {" anticipates "}}, {" during ", {" in the course of ", " over "}},
        {" primarily due to ", {" mainly because of ", " largely owing to "}}, {" reflects ", {" mirrors "}}, {" announced ", {" made public "}},
        {" year-on-year", {" from year to year", " versus the prior year"}}, {" percent", {"%", " per cent"}}, {" within ", {" inside "}},
        {" received ", {" obtained "}}, {" higher ", {" greater "}}, {" certain ", {" particular "}}, {" respectively", {", in that order"}}};
    return t;
}
inline const std::vector<std::string>& permute_heads() {
    static const std::vector<std::string> t = {"", "From {D}:", "{E}, {SRC}:", "Excerpt, {D}.", "{D}, reordered:"};
    return t;
}
// every template text, so a test can tell the templates' own words from the document's
inline std::string template_texts() {
    std::string all;
    for (auto* v : {&cell_statements(), &cell_questions(), &answer_forms(), &qa_formats(), &sentence_frames(), &figure_frames(), &cloze_forms(),
                    &about_questions(), &passage_intros(), &triple_intros(), &single_intros(), &passage_closings(), &alone_frames(), &connectors(), &permute_heads(),
                    &compare_up(), &compare_down(), &compare_same(), &compare_questions(), &compare_rows(), &restate_requests(),
                    &restate_requests_general(), &period_forms()})
        for (auto& s : *v) all += s + "\n";
    for (auto& sw : reword_swaps()) for (auto& to : sw.second) all += to + "\n";
    // words of the literal strings in the generators and of the value forms (extract.h's cell_forms)
    all += "Which line item in its table came to? Which year did report for of? Options: Answer: annual report Form fiscal the 10-K filed for ";
    all += "By how much did What was Which name completes this statement from On alone, also says: its financial tables the ";
    all += "Quote a statement from What does state? Negative negative dollars million billion thousand shares options percent of the segment ";
    all += "Additionally Also Further But Still about roughly some mainly chiefly largely because owing compared with versus against led ";
    all += "USD user assistant system im_start im_end During At On ";  // value forms, chat turns, periods capitalised
    return all;
}

}  // namespace synth
