// Package screening is the 初筛 rule catalogue and engine: pure functions
// that look at the facts about one subject (an institution, a piece of
// equipment or a person) as of a date and return findings.
//
// The rules, their IDs, conditions and severities are those of
// spec/rules.md; thresholds and articles follow spec/regulations.md (where the
// two disagree the regulation wins, see DISCREPANCIES.md). Nothing here reads
// the clock, a database or the network: the caller loads the facts and
// passes the as-of date and the thresholds, so the same rules run inside a
// registry transaction (incremental re-screening) and in the daily full pass.
//
// Conventions shared by every rule:
//
//   - "N years after d" is d.AddDate(N, 0, 0); a deadline is met on its
//     day, so a subject is overdue only when the as-of date is after it.
//   - Records dated after the as-of date (tests, trainings, exams, dose
//     records ending later, licences issued later) are not yet known and
//     are ignored, so a past as-of date sees the facts of that day.
//     Retired records are ignored too.
//   - A later record supersedes an earlier one of the same kind; records of
//     the same day are ordered by id (entry order).
//   - One finding per (rule, subject, institution); findings are sorted by
//     institution credit code, rule ID and subject key.
//   - Chains: when one fact would fire two rules of a chain, only the more
//     basic fires. The chains are documented on CheckEquipment and
//     CheckPerson.
//
// A finding holds no sentence: it names its template and holds its
// evidence in no language. The words (each rule's title, legal basis,
// action and fact templates, in Chinese and English) are in the i18n
// catalogue, area locales/rules; Message and the other functions of
// wording.go render them in the reader's language for the pages, the API,
// the CLI and the exports.
package screening
