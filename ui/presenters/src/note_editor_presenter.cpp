// The note editor's logic over NoteService and the visit biller.
#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/billing/note_charges.hpp"
#include "vertebra/ui/note_editor_presenter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "vertebra/common/error.hpp"

namespace vertebra::ui {

std::string money(std::int64_t cents) {
    const char* sign = cents < 0 ? "-" : "";
    cents = std::llabs(cents);
    return fmt::format("{}${}.{:02}", sign, cents / 100, cents % 100);
}

NoteEditorPresenter::NoteEditorPresenter(RecordServices& r, const core::Principal& who,
                                         core::Id appointment_id, Clock now)
    : r_(r), who_(who), appointment_id_(appointment_id), now_(std::move(now)) {
    if (!now_)
        now_ = [] {
            return std::chrono::time_point_cast<std::chrono::seconds>(
                std::chrono::system_clock::now());
        };
    auto a = r_.book.appointment(appointment_id);
    if (!a) throw not_found("appointment " + std::to_string(appointment_id));
    appointment_ = *a;
    std::string service = "Session";
    if (a->service_id)
        for (const auto& s : r_.book.services())
            if (s.id == *a->service_id) {
                module_id_ = s.module_id;
                service = s.name;
            }
    schema_ = r_.note_schema(module_id_);
    const auto patient = r_.book.patient(a->patient_id);
    title_ = (schema_ ? schema_->title : service + " note") + " — " +
             (patient ? patient->name : std::string("patient")) + ", " +
             r_.scheduler.zone().format_short(a->start);
    content_.module_id = schema_ ? module_id_ : std::string();
    content_.form_id = schema_ ? schema_->id : std::string();
    load_existing();
}

void NoteEditorPresenter::load_existing() {
    const auto st = r_.notes->status_for_appointment(appointment_id_);
    if (!st) return;
    note_id_ = st->id;
    loaded_ = r_.note_service->read(who_, st->id, now_());
    content_ = loaded_->content;
    signed_ = loaded_->status == core::NoteStatus::Signed;
    dirty_ = false;
}

std::vector<std::string> NoteEditorPresenter::signature_lines() const {
    std::vector<std::string> out;
    if (!loaded_ || !signed_) return out;
    const auto zone = r_.scheduler.zone();
    if (loaded_->signed_at)
        out.push_back("Signed by " + loaded_->signed_by + " on " +
                      zone.format_short(*loaded_->signed_at) + ". The note is locked.");
    for (const auto& a : loaded_->addenda)
        out.push_back("Addendum by " + a.author + " on " + zone.format_short(a.at) + " (" +
                      a.reason + "): " + a.text);
    return out;
}

void NoteEditorPresenter::set_section(const std::string& section, const std::string& text) {
    std::string* target = nullptr;
    if (section == "subjective") target = &content_.subjective;
    else if (section == "objective") target = &content_.objective;
    else if (section == "assessment") target = &content_.assessment;
    else if (section == "plan") target = &content_.plan;
    else if (section == "text") target = &content_.text;
    else throw invalid("section", "unknown note section '" + section + "'");
    if (*target != text) {
        *target = text;
        dirty_ = true;
    }
}

void NoteEditorPresenter::set_field(const std::string& key, const nlohmann::json& value) {
    parse_errors_.erase(key);
    const bool empty = value.is_null() || (value.is_array() && value.empty()) ||
                       (value.is_string() && value.get<std::string>().empty());
    if (empty) {
        if (content_.fields.contains(key)) {
            content_.fields.erase(key);
            dirty_ = true;
        }
        return;
    }
    if (!content_.fields.contains(key) || content_.fields[key] != value) {
        content_.fields[key] = value;
        dirty_ = true;
    }
}

void NoteEditorPresenter::set_field_text(const std::string& key, const std::string& text) {
    const plugin_api::FormField* f = schema_ ? schema_->field(key) : nullptr;
    if (!f) throw invalid(key, "is not a field of this form");
    std::string t = text;
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(0, 1);
    if (t.empty()) {
        set_field(key, nullptr);
        return;
    }
    if (f->type == plugin_api::FieldType::Number || f->type == plugin_api::FieldType::Integer) {
        char* end = nullptr;
        const double v = std::strtod(t.c_str(), &end);
        const bool whole = f->type == plugin_api::FieldType::Integer;
        if (end == t.c_str() || *end != '\0' || !std::isfinite(v) ||
            (whole && std::floor(v) != v)) {
            if (content_.fields.contains(key)) content_.fields.erase(key);
            unparsed_[key] = t;
            parse_errors_[key] = f->label + (whole ? " must be a whole number" : " must be a number") +
                                 " (not \"" + t + "\")";
            dirty_ = true;
            return;
        }
        set_field(key, whole ? nlohmann::json(static_cast<long long>(v)) : nlohmann::json(v));
        return;
    }
    set_field(key, t);
}

nlohmann::json NoteEditorPresenter::field(const std::string& key) const {
    return content_.fields.contains(key) ? content_.fields[key] : nlohmann::json();
}

std::map<std::string, std::string> NoteEditorPresenter::validate() const {
    std::map<std::string, std::string> out = parse_errors_;
    if (schema_)
        for (const auto& e : plugin_api::validate_form(*schema_, content_.fields))
            if (!out.count(e.field)) out[e.field] = e.message;
    return out;
}

void NoteEditorPresenter::autosave() {
    if (signed_ || !dirty_) return;
    const Instant now = now_();
    if (!note_id_) {
        note_id_ = r_.note_service->create_for_appointment(who_, appointment_id_, content_, now);
    } else {
        r_.note_service->save_draft(who_, *note_id_, content_, now);
    }
    dirty_ = !parse_errors_.empty();
    if (!dirty_) forget_unsaved();
}

std::map<std::string, std::string> NoteEditorPresenter::sign() {
    if (signed_) throw Error(ErrorKind::PermissionDenied, "note is signed; add an addendum");
    auto problems = validate();
    if (!problems.empty()) return problems;
    dirty_ = true;
    autosave();
    r_.note_service->sign(who_, *note_id_, now_());
    load_existing();
    forget_unsaved();
    return {};
}

core::Id NoteEditorPresenter::addend(const std::string& reason, const std::string& text) {
    if (!note_id_ || !signed_)
        throw Error(ErrorKind::Conflict, "only a signed note takes an addendum; edit the draft");
    const core::Id id = r_.note_service->addend(who_, *note_id_, reason, text, now_());
    load_existing();
    return id;
}

nlohmann::json NoteEditorPresenter::visit_json() const {
    // The same mapping the charges use (core: appointment -> signed note -> visit).
    core::SessionNote note;
    note.content = content_;
    if (!schema_) note.content.module_id.clear();
    else note.content.module_id = module_id_;
    return core::billing::visit_from_note(note, r_.scheduler.zone().local_date(appointment_.start));
}

BillingPreview NoteEditorPresenter::billing_preview(const std::string& payer) const {
    BillingPreview p;
    p.payer = payer;
    if (!signed_) {
        p.problem = "Sign the note to see the claim lines.";
        return p;
    }
    if (module_id_.empty() || !schema_) {
        p.problem = "This visit has no therapy module form, so there is nothing to preview.";
        return p;
    }
    try {
        // Priced with the clinic's own fees in force on the visit's date.
        const core::billing::ClinicFeeTable fees(r_.fees->all());
        const core::billing::PayerSettingTable settings(r_.fees->payer_settings());
        core::billing::BillOptions options;
        options.payer = payer;
        options.clinic_fees = &fees;
        options.payer_settings = &settings;
        const auto bill = core::billing::bill_visit(visit_json(), r_.modules, options);
        for (const auto& l : bill.result.lines) {
            PreviewLine line;
            line.code = l.code;
            line.units = l.units;
            for (const auto& m : l.modifiers) line.modifiers += (line.modifiers.empty() ? "" : ",") + m;
            line.fee_cents = l.fee_cents;
            p.lines.push_back(line);
        }
        p.warnings = bill.result.warnings;
        p.total_cents = bill.result.total_cents;
    } catch (const Error& e) {
        p.problem = e.what();
    }
    return p;
}

// ---- Recovery file: what core did not take yet stays on this computer ----------------------

void NoteEditorPresenter::set_recovery_dir(std::string dir) { recovery_dir_ = std::move(dir); }

std::string NoteEditorPresenter::recovery_file() const {
    if (recovery_dir_.empty()) return {};
    std::string user;
    for (char c : who_.name)  // a user name as a file name part: letters, digits, - and _
        user += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return (std::filesystem::path(recovery_dir_) /
            ("note-" + std::to_string(appointment_id_) + "-" + user + ".json"))
        .string();
}

std::optional<std::string> NoteEditorPresenter::unparsed_text(const std::string& key) const {
    auto it = unparsed_.find(key);
    if (it == unparsed_.end() || !parse_errors_.count(key)) return std::nullopt;
    return it->second;
}

bool NoteEditorPresenter::keep_unsaved(std::string* why) {
    const std::string file = recovery_file();
    if (file.empty() || signed_ || !dirty_) return true;
    nlohmann::json j;
    j["appointment_id"] = appointment_id_;
    j["patient_id"] = appointment_.patient_id;
    j["start"] = to_epoch(appointment_.start);
    j["user"] = who_.name;
    j["written_at"] = to_epoch(now_());
    j["text"] = content_.text;
    j["subjective"] = content_.subjective;
    j["objective"] = content_.objective;
    j["assessment"] = content_.assessment;
    j["plan"] = content_.plan;
    j["module"] = content_.module_id;
    j["form"] = content_.form_id;
    j["fields"] = content_.fields;
    nlohmann::json unparsed = nlohmann::json::object();
    for (const auto& [k, v] : unparsed_)
        if (parse_errors_.count(k)) unparsed[k] = v;
    j["unparsed"] = unparsed;
    std::error_code ec;
    const std::filesystem::path dir(recovery_dir_);
    std::filesystem::create_directories(dir, ec);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    // Patient data: only this user may read it. Written beside, then renamed over the old one.
    const std::string tmp = file + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const std::string body = j.dump(2) + "\n";
    bool ok = fd >= 0 && ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
    if (fd >= 0) {
        ok = ::fsync(fd) == 0 && ok;
        ok = ::close(fd) == 0 && ok;
    }
    if (ok) ok = std::rename(tmp.c_str(), file.c_str()) == 0;
    if (!ok) {
        if (why) *why = "cannot write " + file + " (" + std::strerror(errno) + ")";
        std::filesystem::remove(tmp, ec);
    }
    return ok;
}

std::optional<std::string> NoteEditorPresenter::restore_unsaved() {
    const std::string file = recovery_file();
    if (file.empty() || signed_) return std::nullopt;
    std::ifstream in(file);
    if (!in) return std::nullopt;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    // Only this appointment's note, for the same patient and time, typed by the same user.
    if (!j.is_object() || j.value("appointment_id", core::Id{0}) != appointment_id_ ||
        j.value("patient_id", core::Id{0}) != appointment_.patient_id ||
        j.value("start", std::int64_t{0}) != to_epoch(appointment_.start) ||
        j.value("user", std::string()) != who_.name)
        return std::nullopt;
    content_.text = j.value("text", content_.text);
    content_.subjective = j.value("subjective", content_.subjective);
    content_.objective = j.value("objective", content_.objective);
    content_.assessment = j.value("assessment", content_.assessment);
    content_.plan = j.value("plan", content_.plan);
    if (j.contains("fields") && j["fields"].is_object()) content_.fields = j["fields"];
    if (j.contains("unparsed") && j["unparsed"].is_object())
        for (const auto& [k, v] : j["unparsed"].items())
            if (v.is_string() && schema_ && schema_->field(k)) set_field_text(k, v.get<std::string>());
    dirty_ = true;
    return r_.scheduler.zone().format_short(from_epoch(j.value("written_at", std::int64_t{0})));
}

void NoteEditorPresenter::forget_unsaved() {
    const std::string file = recovery_file();
    if (file.empty()) return;
    std::error_code ec;
    std::filesystem::remove(file, ec);
}

}  // namespace vertebra::ui
