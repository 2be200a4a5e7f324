// Session notes: validation against the module's form, care-team checks, signing and addenda.
#include "vertebra/notes/notes.hpp"

#include <algorithm>

namespace vertebra::core {

namespace {

void field(std::string& out, const std::string& v) {
    out += std::to_string(v.size());
    out += ':';
    out += v;
    out += ';';
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string str_member(const nlohmann::json& j, const char* key) {
    if (!j.contains(key)) return {};
    if (!j[key].is_string()) throw invalid("text-file", std::string("'") + key + "' must be text");
    return j[key].get<std::string>();
}

}  // namespace

NoteContent note_content_from_text(const std::string& file_text) {
    NoteContent c;
    auto first = file_text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || file_text[first] != '{') {
        c.text = file_text;
        return c;
    }
    nlohmann::json j = nlohmann::json::parse(file_text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        c.text = file_text;  // looks like JSON but is not: keep it verbatim as narrative
        return c;
    }
    static const std::vector<std::string> known{"text", "subjective", "objective", "assessment",
                                                "plan", "module", "form", "fields"};
    for (auto it = j.begin(); it != j.end(); ++it)
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            throw invalid("text-file", "unknown member '" + it.key() +
                                           "' (expected text, subjective, objective, assessment, "
                                           "plan, module, form, fields)");
    c.text = str_member(j, "text");
    c.subjective = str_member(j, "subjective");
    c.objective = str_member(j, "objective");
    c.assessment = str_member(j, "assessment");
    c.plan = str_member(j, "plan");
    c.module_id = str_member(j, "module");
    c.form_id = str_member(j, "form");
    if (j.contains("fields")) {
        if (!j["fields"].is_object()) throw invalid("fields", "must be a JSON object");
        c.fields = j["fields"];
    }
    return c;
}

const char* to_string(NoteStatus s) { return s == NoteStatus::Signed ? "signed" : "draft"; }

std::string note_canonical(const SessionNote& n) {
    std::string s;
    field(s, std::to_string(n.patient_id));
    field(s, n.appointment_id ? std::to_string(*n.appointment_id) : std::string());
    field(s, n.author);
    field(s, n.content.text);
    field(s, n.content.subjective);
    field(s, n.content.objective);
    field(s, n.content.assessment);
    field(s, n.content.plan);
    field(s, n.content.module_id);
    field(s, n.content.form_id);
    field(s, n.content.fields.dump());  // nlohmann's object keys are sorted: stable
    return s;
}

std::string note_hash(const SessionNote& n) { return sha256_hex(note_canonical(n)); }

nlohmann::json to_json(const SessionNote& n) {
    nlohmann::json j{
        {"id", n.id},
        {"appointment_id", n.appointment_id ? nlohmann::json(*n.appointment_id) : nullptr},
        {"patient_id", n.patient_id},
        {"author", n.author},
        {"status", to_string(n.status)},
        {"text", n.content.text},
        {"subjective", n.content.subjective},
        {"objective", n.content.objective},
        {"assessment", n.content.assessment},
        {"plan", n.content.plan},
        {"module", n.content.module_id},
        {"form", n.content.form_id},
        {"fields", n.content.fields},
        {"created_at", format_utc(n.created_at)},
        {"updated_at", format_utc(n.updated_at)},
        {"signed_by", n.signed_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(n.signed_by)},
        {"signed_at", n.signed_at ? nlohmann::json(format_utc(*n.signed_at)) : nullptr},
        {"content_hash", n.content_hash.empty() ? nlohmann::json(nullptr)
                                                : nlohmann::json(n.content_hash)},
    };
    if (n.status == NoteStatus::Signed) j["hash_matches"] = note_hash(n) == n.content_hash;
    auto& add = j["addenda"] = nlohmann::json::array();
    for (const auto& a : n.addenda)
        add.push_back({{"id", a.id},
                       {"author", a.author},
                       {"at", format_utc(a.at)},
                       {"reason", a.reason},
                       {"text", a.text}});
    return j;
}

// ---- NoteService ------------------------------------------------------------------------------

AuditEvent NoteService::event(const Principal& who, std::optional<Id> patient, std::string action,
                              Id note_id, std::string detail) const {
    AuditEvent e;
    e.user = who.name;
    e.workstation = who.workstation;
    e.patient_id = patient;
    e.action = std::move(action);
    e.object = note_id ? "note:" + std::to_string(note_id) : std::string("note");
    e.detail = std::move(detail);
    return e;
}

void NoteService::validate(NoteContent& c, std::optional<Id> appointment_id) {
    if (c.module_id.empty() && appointment_id) {
        auto appt = schedule_.appointment(*appointment_id);
        if (appt && appt->service_id) {
            for (const auto& s : schedule_.services())
                if (s.id == *appt->service_id) c.module_id = s.module_id;
        }
    }
    if (!c.fields.is_object()) throw invalid("fields", "must be a JSON object");
    if (c.module_id.empty()) {
        if (!c.fields.empty())
            throw invalid("fields", "form fields need a therapy module (member 'module')");
        return;
    }
    std::optional<plugin_api::FormSchema> schema;
    if (schemas_) schema = schemas_(c.module_id, c.form_id);
    if (!schema) {
        if (!c.fields.empty())
            throw invalid("module", "module '" + c.module_id +
                                        "' is not running or has no session-note form, so its "
                                        "fields cannot be checked");
        return;
    }
    c.form_id = schema->id;
    auto errors = plugin_api::validate_form(*schema, c.fields);
    if (!errors.empty()) {
        const auto& e = errors.front();
        std::string msg = e.message;
        for (std::size_t i = 1; i < errors.size(); ++i) msg += "; " + errors[i].message;
        throw invalid(e.field.empty() ? "fields" : e.field, msg);
    }
}

std::string care_team_access(const Principal& who, NoteRepository* care_team, Id patient_id,
                             Instant now, Permission p) {
    if (who.database_operator || (care_team && care_team->on_care_team(who.name, patient_id)))
        return {};
    // Emergency access lifts the care-team limit, and says so in the audit log.
    if (who.break_glass_covers(now, patient_id))
        return "break-glass: " + who.break_glass_reason.value_or("");
    throw Error(ErrorKind::PermissionDenied,
                "permission denied: " + who.name + " is not on the care team of patient #" +
                    std::to_string(patient_id) + " (lacks " + to_string(p) +
                    " for this patient)");
}

void NoteService::require_care_team(const Principal& who, Id patient_id, Instant now) {
    care_team_access(who, &notes_, patient_id, now, Permission::NoteRead);
}

Id NoteService::create_for_appointment(const Principal& who, Id appointment_id,
                                       NoteContent content, Instant now) {
    require(who, Permission::NoteWrite);
    auto appt = schedule_.appointment(appointment_id);
    if (!appt) throw not_found("appointment #" + std::to_string(appointment_id));
    if (!notes_.on_care_team(who.name, appt->patient_id))
        throw Error(ErrorKind::PermissionDenied,
                    "permission denied: " + who.name + " is not on the care team of patient #" +
                        std::to_string(appt->patient_id) + " (lacks note.write for this patient)");
    if (auto existing = notes_.status_for_appointment(appointment_id))
        throw Error(ErrorKind::Conflict, "appointment #" + std::to_string(appointment_id) +
                                             " already has note #" + std::to_string(existing->id),
                    "appointment");
    validate(content, appointment_id);
    SessionNote n;
    n.appointment_id = appointment_id;
    n.patient_id = appt->patient_id;
    n.author = who.name;
    n.content = std::move(content);
    n.created_at = n.updated_at = now;
    return notes_.insert(n, event(who, n.patient_id, "note.create", 0,
                                  "appointment:" + std::to_string(appointment_id)));
}

Id NoteService::create_case_note(const Principal& who, Id patient_id, NoteContent content,
                                 Instant now) {
    require(who, Permission::NoteWrite);
    if (!schedule_.patient(patient_id)) throw not_found("patient #" + std::to_string(patient_id));
    if (!notes_.on_care_team(who.name, patient_id))
        throw Error(ErrorKind::PermissionDenied,
                    "permission denied: " + who.name + " is not on the care team of patient #" +
                        std::to_string(patient_id) + " (lacks note.write for this patient)");
    validate(content, std::nullopt);
    SessionNote n;
    n.patient_id = patient_id;
    n.author = who.name;
    n.content = std::move(content);
    n.created_at = n.updated_at = now;
    return notes_.insert(n, event(who, patient_id, "note.create", 0, "case note"));
}

namespace {
Error signed_refusal() {
    return Error(ErrorKind::PermissionDenied, "note is signed; add an addendum", "note");
}
}  // namespace

void NoteService::save_draft(const Principal& who, Id note_id, NoteContent content, Instant now) {
    require(who, Permission::NoteWrite);
    auto st = notes_.status(note_id);
    if (!st) throw not_found("note #" + std::to_string(note_id));
    if (st->status == NoteStatus::Signed) throw signed_refusal();
    if (st->author != who.name)
        throw Error(ErrorKind::PermissionDenied, "permission denied: note #" +
                                                     std::to_string(note_id) + " is " + st->author +
                                                     "'s draft (lacks note.write for it)");
    validate(content, st->appointment_id);
    auto n = notes_.find(note_id);
    if (!n) throw not_found("note #" + std::to_string(note_id));
    n->content = std::move(content);
    n->updated_at = now;
    notes_.update_draft(*n, event(who, n->patient_id, "note.update", note_id));
}

void NoteService::delete_draft(const Principal& who, Id note_id) {
    require(who, Permission::NoteWrite);
    auto st = notes_.status(note_id);
    if (!st) throw not_found("note #" + std::to_string(note_id));
    if (st->status == NoteStatus::Signed) throw signed_refusal();
    if (st->author != who.name)
        throw Error(ErrorKind::PermissionDenied, "permission denied: note #" +
                                                     std::to_string(note_id) + " is " + st->author +
                                                     "'s draft (lacks note.write for it)");
    notes_.remove(note_id, event(who, st->patient_id, "note.delete", note_id));
}

void NoteService::sign(const Principal& who, Id note_id, Instant now) {
    require(who, Permission::NoteSign);
    // Status first: on PostgreSQL, RLS hides other therapists' notes from find().
    auto st = notes_.status(note_id);
    if (!st) throw not_found("note #" + std::to_string(note_id));
    if (st->status == NoteStatus::Signed)
        throw Error(ErrorKind::Conflict, "note #" + std::to_string(note_id) + " is already signed",
                    "note");
    if (st->author != who.name)
        throw Error(ErrorKind::PermissionDenied,
                    "permission denied: only the author (" + st->author + ") may sign note #" +
                        std::to_string(note_id) + " (lacks note.sign for it)");
    auto n = notes_.find(note_id);
    if (!n) throw not_found("note #" + std::to_string(note_id));
    if (blank(n->content.text) && blank(n->content.subjective) && blank(n->content.objective) &&
        blank(n->content.assessment) && blank(n->content.plan) && n->content.fields.empty())
        throw invalid("text", "an empty note cannot be signed");
    validate(n->content, n->appointment_id);  // the module's schema may have tightened
    const std::string hash = note_hash(*n);
    notes_.sign(note_id, who.name, now, hash, event(who, n->patient_id, "note.sign", note_id,
                                                    "sha256:" + hash));
}

Id NoteService::addend(const Principal& who, Id note_id, const std::string& reason,
                       const std::string& text, Instant now) {
    require(who, Permission::NoteAddend);
    if (blank(reason)) throw invalid("reason", "an addendum needs a reason");
    if (blank(text)) throw invalid("text-file", "the addendum text is empty");
    auto st = notes_.status(note_id);
    if (!st) throw not_found("note #" + std::to_string(note_id));
    require_care_team(who, st->patient_id, now);
    if (st->status != NoteStatus::Signed)
        throw Error(ErrorKind::Conflict, "note #" + std::to_string(note_id) +
                                             " is a draft: edit it instead of adding an addendum",
                    "note");
    Addendum a;
    a.note_id = note_id;
    a.author = who.name;
    a.at = now;
    a.reason = reason;
    a.text = text;
    return notes_.add_addendum(a, event(who, st->patient_id, "note.addend", note_id, reason));
}

SessionNote NoteService::read(const Principal& who, Id note_id, Instant now) {
    require(who, Permission::NoteRead);
    auto st = notes_.status(note_id);
    if (!st) throw not_found("note #" + std::to_string(note_id));
    const std::string break_glass =  // "" for the author and the care team
        st->author == who.name
            ? std::string()
            : care_team_access(who, &notes_, st->patient_id, now, Permission::NoteRead);
    auto n = notes_.find(note_id);
    if (!n) throw not_found("note #" + std::to_string(note_id));
    audit_.append(event(who, n->patient_id,
                        break_glass.empty() ? "note.read" : "note.read.break_glass", note_id,
                        break_glass));
    return *n;
}

NoteStatusRow NoteService::status(const Principal& who, Id note_id) {
    require(who, Permission::NoteStatus);
    auto st = notes_.status(note_id);
    if (!st) throw not_found("note #" + std::to_string(note_id));
    return *st;
}

NoteStatusRow NoteService::signed_note_for_charges(const Principal& who, Id appointment_id) {
    require(who, Permission::NoteStatus);
    auto st = notes_.status_for_appointment(appointment_id);
    if (!st || st->status != NoteStatus::Signed)
        throw Error(ErrorKind::Conflict,
                    "appointment #" + std::to_string(appointment_id) +
                        (st ? " has only a draft note (#" + std::to_string(st->id) + ")"
                            : " has no note") +
                        ": charges come only from a signed note",
                    "appointment");
    return *st;
}

std::vector<UnsignedNotes> NoteService::unsigned_report(const Principal& who) {
    if (!who.has(Permission::ReportRead)) require(who, Permission::NoteRead);
    return notes_.unsigned_by_author();
}

void NoteService::add_to_care_team(const Principal& who, Id patient_id, const std::string& user) {
    require(who, Permission::UserManage);
    if (!schedule_.patient(patient_id)) throw not_found("patient #" + std::to_string(patient_id));
    AuditEvent e;
    e.user = who.name;
    e.workstation = who.workstation;
    e.patient_id = patient_id;
    e.action = "care_team.add";
    e.object = "user:" + user;
    notes_.add_to_care_team(patient_id, user, e);
}

}  // namespace vertebra::core
