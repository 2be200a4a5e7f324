// `vertebra-cli note create|edit|delete|sign|addend|show|status|unsigned|care-team`.
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli.hpp"
#include "vertebra/common/text.hpp"
#include "vertebra/notes/notes.hpp"

namespace vertebra::ui::cli {

namespace {

Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw invalid("text-file", "cannot read '" + path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.find('\0') != std::string::npos || !is_valid_utf8(text))
        throw invalid("text-file", "'" + path + "' is not UTF-8 text");
    return text;
}

/// The session-note form of a running module: `form_id`, else its first "session_note" form.
std::optional<plugin_api::FormSchema> schema_of(Context& ctx, const std::string& module_id,
                                                const std::string& form_id) {
    const auto* m = plugin_host(ctx).module(module_id);
    if (!m) return std::nullopt;
    for (const auto& f : m->forms())
        if (form_id.empty() ? f.kind == "session_note" : f.id == form_id) return f;
    return std::nullopt;
}

/// Repositories and the service, on the signed-in connection.
struct Record {
    std::unique_ptr<core::NoteRepository> notes;
    std::unique_ptr<core::AuditRepository> audit;
    std::unique_ptr<core::NoteService> service;
};

Record& record(Context& ctx) {
    static Record r;
    if (!r.service) {
        principal(ctx);  // sign in first: the connection is the user's
        auto& db = ctx.database();
        r.notes = db.notes();
        r.audit = db.audit();
        r.service = std::make_unique<core::NoteService>(
            *r.notes, db.scheduling(), *r.audit,
            [&ctx](const std::string& module_id, const std::string& form_id) {
                return schema_of(ctx, module_id, form_id);
            });
    }
    return r;
}

nlohmann::json status_json(const core::NoteStatusRow& s) {
    return {{"id", s.id},
            {"appointment_id", s.appointment_id ? nlohmann::json(*s.appointment_id) : nullptr},
            {"patient_id", s.patient_id},
            {"author", s.author},
            {"status", core::to_string(s.status)},
            {"signed_at", s.signed_at ? nlohmann::json(format_utc(*s.signed_at)) : nullptr}};
}

void print_note(const core::SessionNote& n) {
    std::cout << "Note #" << n.id << " for patient #" << n.patient_id;
    if (n.appointment_id) std::cout << ", appointment #" << *n.appointment_id;
    std::cout << "\nAuthor: " << n.author << "   Status: " << core::to_string(n.status);
    if (n.signed_at)
        std::cout << " by " << n.signed_by << " at " << format_utc(*n.signed_at)
                  << "\nContent hash: " << n.content_hash
                  << (core::note_hash(n) == n.content_hash ? " (matches)" : " (DOES NOT MATCH)");
    std::cout << "\n";
    const auto& c = n.content;
    auto section = [](const char* title, const std::string& text) {
        if (!text.empty()) std::cout << "\n" << title << ":\n" << text << "\n";
    };
    section("Note", c.text);
    section("Subjective", c.subjective);
    section("Objective", c.objective);
    section("Assessment", c.assessment);
    section("Plan", c.plan);
    if (!c.fields.empty()) std::cout << "\n" << c.module_id << " form:\n" << c.fields.dump(2) << "\n";
    for (const auto& a : n.addenda)
        std::cout << "\nAddendum #" << a.id << " by " << a.author << " at " << format_utc(a.at)
                  << " (reason: " << a.reason << "):\n" << a.text << "\n";
}

}  // namespace

void register_note_commands(CLI::App& app, Context& ctx) {
    auto* note = app.add_subcommand("note", "Session notes: draft, sign, addenda");
    note->require_subcommand(1);

    struct Args {
        long long id = 0;
        std::optional<long long> appointment, patient;
        std::string text_file, reason, user;
        std::string break_glass;
    };
    auto a = std::make_shared<Args>();

    auto* create = note->add_subcommand("create", "Create a draft note (prints its id)");
    create->add_option("--appointment", a->appointment, "Appointment the note documents");
    create->add_option("--patient", a->patient, "Patient of a free-standing case note");
    create->add_option("--text-file", a->text_file,
                       "Note text, or JSON with text/subjective/objective/assessment/plan/"
                       "module/form/fields")
        ->required();
    create->callback([&ctx, a] {
        if (!a->appointment == !a->patient)
            throw invalid("appointment", "give --appointment ID or --patient ID (one of them)");
        auto content = core::note_content_from_text(read_file(a->text_file));
        auto& r = record(ctx);
        auto& who = principal(ctx);
        core::Id id = a->appointment
                          ? r.service->create_for_appointment(who, *a->appointment, content, now())
                          : r.service->create_case_note(who, *a->patient, content, now());
        ctx.print_id(id);
    });

    auto* edit = note->add_subcommand("edit", "Replace a draft's content (autosave)");
    edit->add_option("ID", a->id)->required();
    edit->add_option("--text-file", a->text_file, "New content")->required();
    edit->callback([&ctx, a] {
        auto content = core::note_content_from_text(read_file(a->text_file));
        record(ctx).service->save_draft(principal(ctx), a->id, content, now());
        std::cout << "note " << a->id << " saved\n";
    });

    auto* del = note->add_subcommand("delete", "Delete a draft");
    del->add_option("ID", a->id)->required();
    del->callback([&ctx, a] {
        record(ctx).service->delete_draft(principal(ctx), a->id);
        std::cout << "note " << a->id << " deleted\n";
    });

    auto* sign = note->add_subcommand("sign", "Sign and lock a note");
    sign->add_option("ID", a->id)->required();
    sign->callback([&ctx, a] {
        auto& r = record(ctx);
        auto& who = principal(ctx);
        r.service->sign(who, a->id, now());
        auto st = r.service->status(who, a->id);
        if (ctx.json)
            ctx.print_json(status_json(st));
        else
            std::cout << "note " << a->id << " signed by " << who.name << "\n";
    });

    auto* addend = note->add_subcommand("addend", "Add an addendum to a signed note");
    addend->add_option("ID", a->id)->required();
    addend->add_option("--reason", a->reason, "Why the note is corrected")->required();
    addend->add_option("--text-file", a->text_file, "Addendum text")->required();
    addend->callback([&ctx, a] {
        auto text = read_file(a->text_file);
        ctx.print_id(record(ctx).service->addend(principal(ctx), a->id, a->reason, text, now()));
    });

    auto* show = note->add_subcommand("show", "Show a note with its addenda (audited)");
    show->add_option("ID", a->id)->required();
    show->add_option("--break-glass", a->break_glass,
                     "Emergency access to a patient outside your care team: the reason");
    show->callback([&ctx, a] {
        auto& r = record(ctx);
        auto& who = principal(ctx);
        if (!a->break_glass.empty()) {
            auto st = r.service->status(who, a->id);
            auto& db = ctx.database();
            auto users = db.users();
            core::AuthService(*users, *r.audit).break_glass(who, a->break_glass, st.patient_id,
                                                            now());
        }
        auto n = r.service->read(who, a->id, now());
        if (ctx.json)
            ctx.print_json(core::to_json(n));
        else
            print_note(n);
    });

    auto* status = note->add_subcommand("status", "Whether a note is signed (no text)");
    status->add_option("ID", a->id, "Note id");
    status->add_option("--appointment", a->appointment, "...or the appointment's note");
    status->callback([&ctx, a] {
        auto& r = record(ctx);
        auto& who = principal(ctx);
        core::NoteStatusRow st;
        if (a->appointment) {
            st = r.service->signed_note_for_charges(who, *a->appointment);
        } else {
            st = r.service->status(who, a->id);
        }
        if (ctx.json)
            ctx.print_json(status_json(st));
        else
            std::cout << "note " << st.id << ": " << core::to_string(st.status) << "\n";
    });

    note->add_subcommand("unsigned", "Unsigned notes per practitioner")->callback([&ctx] {
        auto rows = record(ctx).service->unsigned_report(principal(ctx));
        if (ctx.json) {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& u : rows)
                arr.push_back({{"author", u.author}, {"count", u.count},
                               {"oldest", format_utc(u.oldest)}});
            ctx.print_json(arr);
            return;
        }
        for (const auto& u : rows)
            std::cout << u.author << ": " << u.count << " unsigned (oldest "
                      << format_utc(u.oldest) << ")\n";
    });

    auto* team = note->add_subcommand("care-team", "Put a user on a patient's care team (owner)");
    team->add_option("--patient", a->patient, "Patient id")->required();
    team->add_option("--user-name", a->user, "User to add")->required();
    team->callback([&ctx, a] {
        record(ctx).service->add_to_care_team(principal(ctx), *a->patient, a->user);
        std::cout << a->user << " is on the care team of patient " << *a->patient << "\n";
    });
}

}  // namespace vertebra::ui::cli
