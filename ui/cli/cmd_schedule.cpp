// Clinic set-up and scheduling commands: clinic, practitioner, room, patient, service, book,
// cancel, no-show, reschedule, status, appointments, slots.
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/patients.hpp"

namespace vertebra::ui::cli {

using core::Id;
using nlohmann::json;

namespace {

std::vector<std::string> split_csv(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

std::string require_text(const std::string& v, const std::string& field) {
    if (v.find_first_not_of(" \t") == std::string::npos) throw invalid(field, "must not be empty");
    for (unsigned char c : v)
        if (c < 0x20 && c != '\t') throw invalid(field, "must not contain control characters");
    return v;
}

json opt(const std::optional<Id>& v) { return v ? json(*v) : json(nullptr); }

json appointment_json(const core::Appointment& a, const ClinicZone& z) {
    return json{{"id", a.id},
                {"patient_id", a.patient_id},
                {"practitioner_id", a.practitioner_id},
                {"room_id", opt(a.room_id)},
                {"service_id", opt(a.service_id)},
                {"series_id", opt(a.series_id)},
                {"start", z.format_iso(a.start)},
                {"end", z.format_iso(a.end)},
                {"status", core::to_string(a.status)},
                {"cancel_reason", a.cancel_reason},
                {"late_cancel", a.late_cancel},
                {"notes", a.notes}};
}

/// 0 means "not given" for --minutes; negative values are refused.
bool book_minutes_given(int minutes) {
    if (minutes < 0) throw invalid("minutes", "must be a positive number of minutes");
    return minutes > 0;
}

void print_ids(const Context& ctx, const std::vector<Id>& ids) {
    if (ctx.json) {
        std::cout << json(ids).dump() << "\n";
    } else {
        for (Id i : ids) std::cout << i << "\n";
    }
}

/// Demographics, checked and audited as actor(ctx): the signed-in user, or without --user the
/// database operator (decisions/0005). A new patient and its patient.create entry are one
/// transaction, so a failed audit write (full disk) leaves neither (tests/db/disk_full_test.cpp).
core::Id add_patient(Context& ctx, const core::Patient& p) {
    const auto& who = actor(ctx);  // without --user: the database operator, audited too
    auto audit = ctx.database().audit();
    return core::PatientDirectory(ctx.database().scheduling(), *audit).add(who, p);
}

std::vector<core::Patient> find_patients(Context& ctx, const std::string& text, int limit) {
    const auto& who = actor(ctx);
    auto audit = ctx.database().audit();
    return core::PatientDirectory(ctx.database().scheduling(), *audit).find(who, text, limit);
}

}  // namespace

void register_schedule_commands(CLI::App& app, Context& ctx) {
    // ---- clinic ----
    auto* clinic = app.add_subcommand("clinic", "Clinic settings");
    clinic->require_subcommand(1);
    {
        auto* set = clinic->add_subcommand("set", "Change the clinic's name, time zone or hours");
        auto name = std::make_shared<std::string>();
        auto tz = std::make_shared<std::string>();
        auto hours = std::make_shared<std::string>();
        set->add_option("--name", *name, "Clinic name");
        set->add_option("--timezone", *tz, "IANA time zone, e.g. America/New_York");
        set->add_option("--hours", *hours, "Opening hours, e.g. 'Mon-Fri 07:30-19:00; Sat 08:00-13:00'");
        set->callback([&ctx, name, tz, hours] {
            auto& repo = ctx.database().scheduling();
            auto c = repo.load_clinic();
            if (!name->empty()) c.name = require_text(*name, "name");
            if (!tz->empty()) c.timezone = ClinicZone(*tz).name();
            if (!hours->empty()) c.opening_hours = core::parse_weekly_hours(*hours, "hours");
            repo.save_clinic(c);
            if (ctx.json)
                ctx.print_json({{"name", c.name}, {"timezone", c.timezone},
                                {"hours", core::format_weekly_hours(c.opening_hours)}});
        });
        auto* show = clinic->add_subcommand("show", "Show the clinic's settings");
        show->callback([&ctx] {
            auto c = ctx.database().scheduling().load_clinic();
            json j{{"name", c.name}, {"timezone", c.timezone},
                   {"hours", core::format_weekly_hours(c.opening_hours)}};
            if (ctx.json)
                ctx.print_json(j);
            else
                std::cout << c.name << "\n" << c.timezone << "\n"
                          << core::format_weekly_hours(c.opening_hours) << "\n";
        });
    }

    // ---- practitioner ----
    auto* prac_cmd = app.add_subcommand("practitioner", "Practitioners");
    prac_cmd->require_subcommand(1);
    {
        auto* add = prac_cmd->add_subcommand("add", "Add a practitioner; prints the new id");
        auto name = std::make_shared<std::string>();
        auto disc = std::make_shared<std::string>();
        auto hours = std::make_shared<std::string>("Mon-Fri 08:00-18:00");
        add->add_option("--name", *name, "Full name")->required();
        add->add_option("--discipline", *disc, "Discipline(s), comma-separated")->required();
        add->add_option("--hours", *hours, "Weekly hours (default 'Mon-Fri 08:00-18:00')");
        add->callback([&ctx, name, disc, hours] {
            core::Practitioner p;
            p.name = require_text(*name, "name");
            p.disciplines = split_csv(*disc);
            if (p.disciplines.empty()) throw invalid("discipline", "must not be empty");
            p.hours = core::parse_weekly_hours(*hours, "hours");
            ctx.print_id(ctx.database().scheduling().add_practitioner(p));
        });
        auto* list = prac_cmd->add_subcommand("list", "List practitioners");
        list->callback([&ctx] {
            json arr = json::array();
            for (const auto& p : ctx.database().scheduling().practitioners()) {
                arr.push_back({{"id", p.id}, {"name", p.name}, {"disciplines", p.disciplines},
                               {"hours", core::format_weekly_hours(p.hours)}, {"active", p.active}});
                if (!ctx.json)
                    std::cout << p.id << "\t" << p.name << "\t" << arr.back()["hours"].get<std::string>()
                              << "\n";
            }
            if (ctx.json) ctx.print_json(arr);
        });
        auto* off = prac_cmd->add_subcommand("time-off", "Record time off (local times)");
        auto pid = std::make_shared<Id>(0);
        auto from = std::make_shared<std::string>();
        auto to = std::make_shared<std::string>();
        auto reason = std::make_shared<std::string>();
        off->add_option("id", *pid, "Practitioner id")->required();
        off->add_option("--from", *from, "Start, YYYY-MM-DDTHH:MM")->required();
        off->add_option("--to", *to, "End, YYYY-MM-DDTHH:MM")->required();
        off->add_option("--reason", *reason, "Reason");
        off->callback([&ctx, pid, from, to, reason] {
            auto& s = ctx.scheduler();
            auto z = s.zone();
            core::TimeOff t{0, *pid, z.to_utc(parse_local_datetime(*from, "from"), "from"),
                            z.to_utc(parse_local_datetime(*to, "to"), "to"), *reason};
            bool known = false;
            for (const auto& p : ctx.database().scheduling().practitioners()) known |= p.id == *pid;
            if (!known) throw not_found("practitioner " + std::to_string(*pid));
            ctx.print_id(ctx.database().scheduling().add_time_off(t));
        });
    }

    // ---- room ----
    auto* room_cmd = app.add_subcommand("room", "Rooms");
    room_cmd->require_subcommand(1);
    {
        auto* add = room_cmd->add_subcommand("add", "Add a room; prints the new id");
        auto name = std::make_shared<std::string>();
        auto eq = std::make_shared<std::string>();
        add->add_option("--name", *name, "Room name")->required();
        add->add_option("--equipment", *eq, "Equipment, comma-separated");
        add->callback([&ctx, name, eq] {
            core::Room r{0, require_text(*name, "name"), split_csv(*eq)};
            ctx.print_id(ctx.database().scheduling().add_room(r));
        });
        auto* list = room_cmd->add_subcommand("list", "List rooms");
        list->callback([&ctx] {
            json arr = json::array();
            for (const auto& r : ctx.database().scheduling().rooms()) {
                arr.push_back({{"id", r.id}, {"name", r.name}, {"equipment", r.equipment}});
                if (!ctx.json) std::cout << r.id << "\t" << r.name << "\n";
            }
            if (ctx.json) ctx.print_json(arr);
        });
    }

    // ---- patient ----
    auto* patient = app.add_subcommand("patient", "Patients");
    patient->require_subcommand(1);
    {
        auto* add = patient->add_subcommand("add", "Add a patient; prints the new id");
        auto name = std::make_shared<std::string>();
        auto birth = std::make_shared<std::string>();
        auto phone = std::make_shared<std::string>();
        auto email = std::make_shared<std::string>();
        add->add_option("--name", *name, "Full name")->required();
        add->add_option("--birth-date", *birth, "YYYY-MM-DD");
        add->add_option("--phone", *phone, "Phone");
        add->add_option("--email", *email, "E-mail");
        auto payer = std::make_shared<std::string>("commercial");
        add->add_option("--payer", *payer,
                        "Payer id from the billing rule data (medicare, commercial, ...)");
        add->callback([&ctx, name, birth, phone, email, payer] {
            core::Patient p;
            p.name = require_text(*name, "name");
            if (!birth->empty()) {
                p.birth_date = parse_local_date(*birth, "birth-date");
                auto today = date::floor<date::days>(std::chrono::system_clock::now());
                if (p.birth_date->time_since_epoch() > today.time_since_epoch())
                    throw invalid("birth-date", "is in the future");
                if (date::year_month_day{*p.birth_date}.year() < date::year{1900})
                    throw invalid("birth-date", "is before 1900");
            }
            p.phone = *phone;
            p.email = *email;
            // The payer must be one the billing rules know (Invalid naming the known ones).
            const auto utc_today = date::floor<date::days>(std::chrono::system_clock::now());
            p.payer = core::BookingChecks::payer_ref(
                          *payer, LocalDate{utc_today.time_since_epoch()})
                          .id;
            ctx.print_id(add_patient(ctx, p));
        });
        auto* find = patient->add_subcommand("find", "Find patients by name");
        auto text = std::make_shared<std::string>();
        find->add_option("text", *text, "Part of the name")->required();
        find->callback([&ctx, text] {
            json arr = json::array();
            for (const auto& p : find_patients(ctx, *text, 50)) {
                arr.push_back({{"id", p.id}, {"name", p.name},
                               {"birth_date", p.birth_date ? json(format_date(*p.birth_date)) : json(nullptr)}});
                if (!ctx.json) std::cout << p.id << "\t" << p.name << "\n";
            }
            if (ctx.json) ctx.print_json(arr);
        });
    }

    // ---- service ----
    auto* service = app.add_subcommand("service", "Bookable services");
    service->require_subcommand(1);
    {
        auto* add = service->add_subcommand("add", "Add a service; prints the new id");
        auto name = std::make_shared<std::string>();
        auto minutes = std::make_shared<int>(0);
        auto disc = std::make_shared<std::string>();
        auto eq = std::make_shared<std::string>();
        auto module = std::make_shared<std::string>();
        add->add_option("--name", *name, "Service name")->required();
        add->add_option("--minutes", *minutes, "Default length")->required();
        add->add_option("--discipline", *disc, "Discipline that delivers it")->required();
        add->add_option("--equipment", *eq, "Required equipment, comma-separated");
        add->add_option("--module", *module, "Therapy module offering it (e.g. chiropractic)");
        auto offer = std::make_shared<std::string>();
        add->add_option("--offer", *offer,
                        "The module's service it stands for (e.g. facet), for coverage checks");
        add->callback([&ctx, name, minutes, disc, eq, module, offer] {
            if (*minutes <= 0 || *minutes > 720) throw invalid("minutes", "must be between 1 and 720");
            if (!offer->empty()) {
                if (module->empty()) throw invalid("offer", "needs --module");
                const auto& m = module_registry(ctx, false).require_active(*module);
                if (!m.service(*offer)) {
                    std::string known;
                    for (const auto& o : m.services()) known += (known.empty() ? "" : ", ") + o.key;
                    throw invalid("offer", "module " + *module + " offers no service '" + *offer +
                                               "' (known: " + known + ")");
                }
            }
            core::Service s{0,           require_text(*name, "name"), *minutes,
                            require_text(*disc, "discipline"), split_csv(*eq), *module, *offer};
            ctx.print_id(ctx.database().scheduling().add_service(s));
        });
        auto* list = service->add_subcommand("list", "List services");
        list->callback([&ctx] {
            json arr = json::array();
            for (const auto& s : ctx.database().scheduling().services()) {
                arr.push_back({{"id", s.id}, {"name", s.name}, {"minutes", s.minutes},
                               {"discipline", s.discipline}, {"equipment", s.equipment},
                               {"module", s.module_id}, {"offer", s.offer}});
                if (!ctx.json) std::cout << s.id << "\t" << s.name << "\t" << s.minutes << " min\n";
            }
            if (ctx.json) ctx.print_json(arr);
        });
    }

    // ---- book ----
    {
        auto* book = app.add_subcommand("book", "Book an appointment or a recurring series");
        auto req = std::make_shared<core::BookingRequest>();
        auto start = std::make_shared<std::string>();
        auto room_id = std::make_shared<Id>(0);
        auto service_id = std::make_shared<Id>(0);
        auto minutes = std::make_shared<int>(0);
        book->add_option("--patient", req->patient_id, "Patient id")->required();
        book->add_option("--practitioner", req->practitioner_id, "Practitioner id")->required();
        book->add_option("--room", *room_id, "Room id");
        book->add_option("--service", *service_id, "Service id");
        book->add_option("--start", *start, "Local start, YYYY-MM-DDTHH:MM")->required();
        book->add_option("--minutes", *minutes, "Length (default: the service's)");
        book->add_option("--repeat", req->rrule, "RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO;COUNT=8");
        book->add_option("--notes", req->notes, "Front-desk notes");
        book->add_option("--override-reason", req->override_reason,
                         "Book despite a blocking coverage or contraindication finding (recorded)");
        book->callback([&ctx, req, start, room_id, service_id, minutes] {
            core::BookingRequest r = *req;
            r.start = parse_local_datetime(*start, "start");
            if (*room_id) r.room_id = *room_id;
            if (*service_id) r.service_id = *service_id;
            if (book_minutes_given(*minutes)) r.minutes = *minutes;
            std::vector<core::BookingFinding> findings;
            auto ids = ctx.scheduler().book(r, &findings);
            // Warnings go to stderr, so that stdout keeps its contract (the ids).
            for (const auto& f : findings)
                std::cerr << "warning: " << f.reason << " [" << f.rule << "]\n";
            print_ids(ctx, ids);
        });
    }

    // ---- cancel / no-show / status / reschedule ----
    {
        auto* cancel = app.add_subcommand("cancel", "Cancel an appointment (or it and the rest of its series)");
        auto id = std::make_shared<Id>(0);
        auto reason = std::make_shared<std::string>();
        auto following = std::make_shared<bool>(false);
        cancel->add_option("id", *id, "Appointment id")->required();
        cancel->add_option("--reason", *reason, "Why");
        cancel->add_flag("--following", *following, "Also cancel the later appointments of its series");
        cancel->callback([&ctx, id, reason, following] {
            print_ids(ctx, ctx.scheduler().cancel(*id, *reason, *following));
        });

        auto* ns = app.add_subcommand("no-show", "Mark an appointment as a no-show");
        auto nid = std::make_shared<Id>(0);
        ns->add_option("id", *nid, "Appointment id")->required();
        ns->callback([&ctx, nid] {
            ctx.scheduler().no_show(*nid);
            if (ctx.json) ctx.print_json({{"id", *nid}, {"status", "no_show"}});
        });

        auto* status = app.add_subcommand("status", "Move an appointment along: confirmed, arrived, in_session, completed");
        auto sid = std::make_shared<Id>(0);
        auto to = std::make_shared<std::string>();
        status->add_option("id", *sid, "Appointment id")->required();
        status->add_option("status", *to, "New status")->required();
        status->callback([&ctx, sid, to] {
            ctx.scheduler().set_status(*sid, core::appointment_status_from_string(*to));
            if (ctx.json) ctx.print_json({{"id", *sid}, {"status", *to}});
        });

        auto* rs = app.add_subcommand("reschedule", "Move an appointment (or it and the rest of its series)");
        auto rid = std::make_shared<Id>(0);
        auto start = std::make_shared<std::string>();
        auto minutes = std::make_shared<int>(0);
        auto prac = std::make_shared<Id>(0);
        auto room = std::make_shared<Id>(0);
        auto rs_following = std::make_shared<bool>(false);
        rs->add_option("id", *rid, "Appointment id")->required();
        rs->add_option("--start", *start, "New local start, YYYY-MM-DDTHH:MM")->required();
        rs->add_option("--minutes", *minutes, "New length");
        rs->add_option("--practitioner", *prac, "New practitioner id");
        rs->add_option("--room", *room, "New room id");
        rs->add_flag("--following", *rs_following, "Move the later appointments of its series by the same amount");
        rs->callback([&ctx, rid, start, minutes, prac, room, following = rs_following] {
            auto ids = ctx.scheduler().reschedule(
                *rid, parse_local_datetime(*start, "start"),
                book_minutes_given(*minutes) ? std::optional<int>(*minutes) : std::nullopt,
                *following, *prac ? std::optional<Id>(*prac) : std::nullopt,
                *room ? std::optional<Id>(*room) : std::nullopt);
            print_ids(ctx, ids);
        });
    }

    // ---- appointments ----
    {
        auto* list = app.add_subcommand("appointments", "List appointments in a date range (clinic time)");
        auto from = std::make_shared<std::string>();
        auto to = std::make_shared<std::string>();
        auto prac = std::make_shared<Id>(0);
        auto pat = std::make_shared<Id>(0);
        list->add_option("--from", *from, "First day, YYYY-MM-DD")->required();
        list->add_option("--to", *to, "Last day, inclusive (default: from + 6 days)");
        list->add_option("--practitioner", *prac, "Only this practitioner");
        list->add_option("--patient", *pat, "Only this patient");
        list->callback([&ctx, from, to, prac, pat] {
            auto f = parse_local_date(*from, "from");
            int days = 7;
            if (!to->empty()) {
                auto t = parse_local_date(*to, "to");
                if (t < f) throw invalid("to", "is before --from");
                days = static_cast<int>((t - f).count()) + 1;
            }
            auto& s = ctx.scheduler();
            auto z = s.zone();
            std::vector<Id> pracs;
            if (*prac) pracs.push_back(*prac);
            auto rows = s.appointments_between(f, days, pracs,
                                               *pat ? std::optional<Id>(*pat) : std::nullopt);
            if (ctx.json) {
                json arr = json::array();
                for (const auto& a : rows) arr.push_back(appointment_json(a, z));
                ctx.print_json(arr);
            } else {
                for (const auto& a : rows) std::cout << s.describe(a) << "\n";
            }
        });
    }

    // ---- slots ----
    {
        auto* slots = app.add_subcommand("slots", "Find the first free slots");
        auto q = std::make_shared<core::SlotQuery>();
        auto prac = std::make_shared<Id>(0);
        auto service_id = std::make_shared<Id>(0);
        auto from = std::make_shared<std::string>();
        auto* po = slots->add_option("--practitioner", *prac, "This practitioner");
        auto* dopt = slots->add_option("--discipline", q->discipline, "Any practitioner of this discipline");
        po->excludes(dopt);
        slots->add_option("--minutes", q->minutes, "Length")->required();
        slots->add_option("--from", *from, "First day, YYYY-MM-DD")->required();
        slots->add_option("--days", q->days, "How many days to search (default 14)");
        slots->add_option("--count", q->count, "How many slots (default 10)");
        slots->add_option("--service", *service_id, "Service (its equipment narrows the rooms)");
        slots->callback([&ctx, q, prac, service_id, from] {
            core::SlotQuery sq = *q;
            if (!*prac && sq.discipline.empty())
                throw invalid("practitioner", "give --practitioner ID or --discipline D");
            if (*prac) sq.practitioner_id = *prac;
            if (*service_id) sq.service_id = *service_id;
            sq.from = parse_local_date(*from, "from");
            auto& s = ctx.scheduler();
            auto z = s.zone();
            auto found = s.find_slots(sq);
            if (ctx.json) {
                json arr = json::array();
                for (const auto& sl : found)
                    arr.push_back({{"start", z.format_iso(sl.start)}, {"end", z.format_iso(sl.end)},
                                   {"practitioner_id", sl.practitioner_id}, {"room_id", opt(sl.room_id)}});
                ctx.print_json(arr);
            } else {
                for (const auto& sl : found)
                    std::cout << z.format_short(sl.start) << "-" << date::format("%H:%M", z.to_local(sl.end))
                              << "\tpractitioner " << sl.practitioner_id
                              << (sl.room_id ? "\troom " + std::to_string(*sl.room_id) : "") << "\n";
            }
        });
    }
}

}  // namespace vertebra::ui::cli
