// Session notes: SOAP sections and module form fields, drafts, signing (locks), addenda.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/common/time.hpp"
#include "vertebra/domain/types.hpp"
#include "vertebra/plugin_api/forms.hpp"
#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core {

/// What a clinician writes. `fields` are the therapy module's form values (a JSON object),
/// validated against the module's session-note schema.
struct NoteContent {
    std::string text;  ///< free narrative (a plain --text-file lands here)
    std::string subjective;
    std::string objective;
    std::string assessment;
    std::string plan;
    std::string module_id;  ///< "" = core note without module fields
    std::string form_id;    ///< schema id within the module
    nlohmann::json fields = nlohmann::json::object();
    bool operator==(const NoteContent&) const = default;
};

/// A plain text becomes `text`; a JSON object may carry text, subjective, objective,
/// assessment, plan, module, form and fields. Throws Invalid (field "text-file") for JSON of
/// the wrong shape.
NoteContent note_content_from_text(const std::string& file_text);

enum class NoteStatus { Draft, Signed };
const char* to_string(NoteStatus s);

/// A correction to a signed note; the original is kept as it was.
struct Addendum {
    Id id = 0;
    Id note_id = 0;
    std::string author;
    Instant at;
    std::string reason;
    std::string text;
};

struct SessionNote {
    Id id = 0;
    std::optional<Id> appointment_id;  ///< empty = a free-standing case note
    Id patient_id = 0;
    std::string author;
    NoteContent content;
    NoteStatus status = NoteStatus::Draft;
    Instant created_at;
    Instant updated_at;
    std::string signed_by;
    std::optional<Instant> signed_at;
    std::string content_hash;  ///< SHA-256 of note_canonical() at signing
    std::vector<Addendum> addenda;
};

/// The signed bytes: patient, appointment, author and every content field, length-prefixed.
std::string note_canonical(const SessionNote& n);
/// Lower-case hex SHA-256 of note_canonical(n).
std::string note_hash(const SessionNote& n);
nlohmann::json to_json(const SessionNote& n);

/// A note without its text: what front desk and billing may see.
struct NoteStatusRow {
    Id id = 0;
    std::optional<Id> appointment_id;
    Id patient_id = 0;
    std::string author;
    NoteStatus status = NoteStatus::Draft;
    std::optional<Instant> signed_at;
    Instant created_at;
};

struct UnsignedNotes {
    std::string author;
    int count = 0;
    Instant oldest;
};

/// Storage of notes. Mutations append their audit event in the same transaction. Signed notes
/// are refused by the database itself (trigger): Error(PermissionDenied, "note is signed; add an
/// addendum").
class NoteRepository {
public:
    virtual ~NoteRepository() = default;
    virtual Id insert(const SessionNote& n, const AuditEvent& event) = 0;
    virtual std::optional<SessionNote> find(Id id) = 0;
    virtual std::optional<NoteStatusRow> status(Id id) = 0;
    virtual std::optional<NoteStatusRow> status_for_appointment(Id appointment_id) = 0;
    /// Every note of a patient (appointment notes and case notes), oldest first, without text.
    virtual std::vector<NoteStatusRow> notes_for_patient(Id patient_id) = 0;
    virtual void update_draft(const SessionNote& n, const AuditEvent& event) = 0;
    virtual void remove(Id id, const AuditEvent& event) = 0;
    virtual void sign(Id id, const std::string& signer, Instant at, const std::string& hash,
                      const AuditEvent& event) = 0;
    virtual Id add_addendum(const Addendum& a, const AuditEvent& event) = 0;
    /// Is `user` on the care team of the patient: an explicit care-team row, or the user's
    /// practitioner has an appointment with the patient. Same rule as vertebra_on_care_team().
    virtual bool on_care_team(const std::string& user, Id patient_id) = 0;
    virtual void add_to_care_team(Id patient_id, const std::string& user,
                                  const AuditEvent& event) = 0;
    virtual std::vector<UnsignedNotes> unsigned_by_author() = 0;
};

/// Finds the session-note schema of a module: (module_id, form_id or "") -> schema, or empty
/// when the module is not running or offers none.
using NoteSchemaLookup = std::function<std::optional<plugin_api::FormSchema>(
    const std::string& module_id, const std::string& form_id)>;

/// The clinical record's rules: who may read, write, sign and addend; signed notes are locked.
/// The one care-team rule of the clinical record (notes, assessments, scores, plans, tasks, the
/// timeline, booking checks). The database operator and the patient's care team (`care_team`;
/// nullptr: nobody is on it) reach the patient: returns "". Running break-glass for that patient
/// (or all) reaches it too: returns the note for the audit, "break-glass: <reason>". Anyone else
/// gets Error(PermissionDenied) "permission denied: NAME is not on the care team of patient #N
/// (lacks P for this patient)". The permission itself is the caller's to check.
std::string care_team_access(const Principal& who, NoteRepository* care_team, Id patient_id,
                             Instant now, Permission p);

class NoteService {
public:
    NoteService(NoteRepository& notes, SchedulingRepository& schedule, AuditRepository& audit,
                NoteSchemaLookup schemas = {})
        : notes_(notes), schedule_(schedule), audit_(audit), schemas_(std::move(schemas)) {}

    /// A draft for an appointment (one per appointment: Conflict if it has one). The module
    /// defaults to the appointment's service's module; its fields are validated (Invalid naming
    /// the field). Needs note.write and the care team.
    Id create_for_appointment(const Principal& who, Id appointment_id, NoteContent content,
                              Instant now);
    /// A free-standing case note for a patient.
    Id create_case_note(const Principal& who, Id patient_id, NoteContent content, Instant now);
    /// Autosave of a draft by its author. A signed note: PermissionDenied "note is signed; add
    /// an addendum".
    void save_draft(const Principal& who, Id note_id, NoteContent content, Instant now);
    /// Deletes a draft (its author only); a signed note is refused like save_draft.
    void delete_draft(const Principal& who, Id note_id);
    /// Locks the note: signer, time and content hash. Own notes only; needs note.sign.
    void sign(const Principal& who, Id note_id, Instant now);
    /// A correction with a mandatory reason (Invalid, field "reason"); only on signed notes
    /// (Conflict for a draft: edit it instead). Needs note.addend and the care team.
    Id addend(const Principal& who, Id note_id, const std::string& reason, const std::string& text,
              Instant now);
    /// Reads a note (with addenda); needs note.read and the care team, or break-glass. Audited.
    SessionNote read(const Principal& who, Id note_id, Instant now);
    /// Without text; needs note.status.
    NoteStatusRow status(const Principal& who, Id note_id);
    /// Billing's gate: the signed note of an appointment; Conflict when there is none or it is
    /// still a draft ("charges come only from a signed note"). Needs note.status.
    NoteStatusRow signed_note_for_charges(const Principal& who, Id appointment_id);
    /// Unsigned drafts per author, oldest first; needs report.read or note.read.
    std::vector<UnsignedNotes> unsigned_report(const Principal& who);
    /// Needs user.manage (owner) : puts a user on a patient's care team.
    void add_to_care_team(const Principal& who, Id patient_id, const std::string& user);

private:
    void validate(NoteContent& c, std::optional<Id> appointment_id);
    void require_care_team(const Principal& who, Id patient_id, Instant now);
    AuditEvent event(const Principal& who, std::optional<Id> patient, std::string action,
                     Id note_id, std::string detail = {}) const;

    NoteRepository& notes_;
    SchedulingRepository& schedule_;
    AuditRepository& audit_;
    NoteSchemaLookup schemas_;
};

}  // namespace vertebra::core
