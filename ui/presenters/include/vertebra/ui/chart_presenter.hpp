// The patient chart as the desktop app shows it: demographics, the active plan, a timeline, the
// NRS and ODI trends with baseline and MCID line, and care-team tasks; scores and tasks are
// added through core's services. wx-free.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vertebra/auth/auth.hpp"
#include "vertebra/outcomes/mcid.hpp"
#include "vertebra/ui/record_services.hpp"

namespace vertebra::ui {

/// One point of a trend plot.
struct TrendPoint {
    Instant taken_at;
    LocalDate day;         ///< in the clinic's zone
    double value = 0;
    bool mcid_met = false; ///< this score's change from baseline reaches the MCID
};

/// One measure over time, ready to draw.
struct TrendSeries {
    core::outcomes::Measure measure = core::outcomes::Measure::Nrs;
    std::string title;           ///< "Pain (NRS 0-10)"
    double scale_max = 10;       ///< the measure's range is 0..scale_max
    std::vector<TrendPoint> points;
    std::optional<double> baseline;   ///< the first score
    /// The score at or below which the change from baseline counts as clinically important
    /// (the easier of the absolute and relative MCID thresholds, RULES.md §7).
    std::optional<double> mcid_line;
    std::optional<double> target;     ///< the plan's goal for this measure, if any
    std::string summary;              ///< "7 → 3 (−4, MCID met)"
};

struct TimelineEntry {
    Instant at;
    std::string kind;  ///< "appointment", "note", "score", "injection", "medication", "plan"
    std::string text;
};

struct ComponentRow {
    std::string title;
    std::string kind;          ///< human: "Chiropractic"
    std::string practitioner;  ///< "" = not assigned
    int done = 0;              ///< completed sessions
    int booked = 0;            ///< still booked
    int planned = 0;           ///< 0 = not session-based (medication, lifestyle)
    int left = 0;              ///< planned - done
};

struct TaskRow {
    core::Id id = 0;   ///< a care-team task of the plan; 0 = a reminder the chart derives
    std::string text;
    std::string who;   ///< assignee, "" = the care team
    std::optional<LocalDate> due;
    bool done = false;
    bool overdue = false;
};

/// Someone a care-team task can be given to.
struct AssigneeOption {
    std::string user;   ///< the clinic user name core stores
    std::string label;  ///< "maya (Dr. Maya Chen, DC, chiropractor)"
};

struct ChartData {
    core::Patient patient;
    std::optional<int> age;
    std::string header;  ///< "46 years · born 1980-03-04 · phone 555-0110 · patient #12"
    // The active plan (else the newest draft).
    bool has_plan = false;
    core::Id plan_id = 0;
    std::string plan_title;
    std::string plan_status;
    LocalDate plan_start{};
    std::optional<LocalDate> next_review;
    std::vector<std::string> goals;
    std::vector<ComponentRow> components;
    std::vector<std::string> care_team;  ///< "Dr. Maya Chen, DC — chiropractor (lead)"
    std::vector<std::string> flags;      ///< review flag, unacknowledged findings
    std::string review_sentence;         ///< the review's suggestion for the clinician
    std::vector<TimelineEntry> timeline; ///< newest first
    TrendSeries nrs;
    TrendSeries odi;
    std::vector<TaskRow> tasks;
    /// Who a new task may be given to besides the whole care team: the active clinic users who
    /// work as one of the plan's care-team practitioners, and the signed-in user.
    std::vector<AssigneeOption> assignees;
};

/// Reads one patient's chart as `who` may see it (note contents need note.read and the care
/// team; without them the timeline shows only a note's status). NotFound for an unknown patient.
ChartData load_chart(RecordServices& r, const core::Principal& who, core::Id patient_id,
                     LocalDate today);

/// A care-team task on the plan (CollaborationService::add_task); "" or a sentence saying why not.
std::string add_task(RecordServices& r, const core::Principal& who, core::Id plan_id,
                     const std::string& title, const std::string& assignee,
                     const std::string& due_text);
/// A shared case note for the care team of the plan's patient, written and signed at once
/// (CollaborationService::add_case_note, then NoteService::sign: note.write, note.sign and the
/// care team; audited). "" when signed, else a sentence saying why not (a note that was stored
/// but could not be signed stays a draft of its author, as any note).
std::string add_case_note(RecordServices& r, const core::Principal& who, core::Id plan_id,
                          const std::string& text, Instant now);
/// Ticks a task off (or reopens it); "" or a sentence.
std::string set_task_done(RecordServices& r, const core::Principal& who, core::Id task_id,
                          bool done);

/// What the chart's "Record score" dialog holds, as typed.
struct ScoreEntry {
    core::outcomes::Measure measure = core::outcomes::Measure::Nrs;
    std::string value;                       ///< NRS 0-10 or RMDQ 0-24, a whole number
    std::array<std::string, 10> odi_answers; ///< ODI sections: "0".."5", "" or "-" = not answered
    std::string note;
};

/// The score the entry gives, or why it gives none, for the dialog to show as it is typed.
struct ScorePreview {
    std::optional<core::outcomes::Observation> observation;  ///< measure, value, answers, note
    std::string text;  ///< "ODI 34 % (moderate disability), 10 of 10 sections" or the problem
};

/// Scores the entry with core's scoring (RULES.md §7): NRS and RMDQ from the whole number, ODI
/// from the section answers (percent of the answered ones; too many unanswered is a problem).
ScorePreview preview_score(const ScoreEntry& entry);

/// Records the entry for the patient, taken at `now`, as `who` (PlanService::record_outcome:
/// assessment.write and the care team, audited outcome.create; attached to the active or draft
/// plan). "" when stored, else a sentence saying why not (nothing is stored then).
std::string record_score(RecordServices& r, const core::Principal& who, core::Id patient_id,
                         const ScoreEntry& entry, Instant now);

/// A trend from observations (oldest first) with baseline, MCID line and goal target.
TrendSeries make_trend(core::outcomes::Measure m,
                       const std::vector<core::outcomes::Observation>& observations,
                       const ClinicZone& zone, std::optional<double> target = {});

/// Patients whose name contains `text` (type-ahead of "Open chart").
std::vector<core::Patient> find_patients(RecordServices& r, const std::string& text, int limit = 20);

}  // namespace vertebra::ui
