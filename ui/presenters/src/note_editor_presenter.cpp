// The note editor's logic over NoteService and the visit biller.
#include "vertebra/billing/note_charges.hpp"
#include "vertebra/ui/note_editor_presenter.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>

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
}

std::map<std::string, std::string> NoteEditorPresenter::sign() {
    if (signed_) throw Error(ErrorKind::PermissionDenied, "note is signed; add an addendum");
    auto problems = validate();
    if (!problems.empty()) return problems;
    dirty_ = true;
    autosave();
    r_.note_service->sign(who_, *note_id_, now_());
    load_existing();
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
        core::billing::BillOptions options;
        options.payer = payer;
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

}  // namespace vertebra::ui
