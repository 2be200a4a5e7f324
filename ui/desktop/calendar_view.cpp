// The custom-drawn calendar: columns of days or practitioners, appointment blocks, drag to move.
#include "calendar_view.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <wx/dcbuffer.h>
#include <wx/dcclient.h>
#include <wx/dcmemory.h>
#include <wx/frame.h>
#include <wx/settings.h>

#include "command_ids.hpp"
#include "ui_text.hpp"

namespace vertebra::ui {

namespace {

using core::AppointmentStatus;

const wxColour kClosed(0xF1, 0xF1, 0xF3);
const wxColour kOpen(0xFF, 0xFF, 0xFF);
const wxColour kGrid(0xDD, 0xDD, 0xE2);
const wxColour kGridLight(0xEE, 0xEE, 0xF1);
const wxColour kText(0x22, 0x24, 0x2A);
const wxColour kMuted(0x80, 0x84, 0x8C);
const wxColour kToday(0xFF, 0xF8, 0xE1);
const wxColour kTodayText(0x1A, 0x5F, 0xB4);
const wxColour kOk(0x2E, 0x8B, 0x57);
const wxColour kConflict(0xC6, 0x28, 0x28);

/// The mark drawn in a block's corner for its status (empty = no mark).
wxString status_mark(AppointmentStatus s) {
    switch (s) {
    case AppointmentStatus::Booked: return wxString();
    case AppointmentStatus::Confirmed: return wxString::FromUTF8("\u2713");   // check
    case AppointmentStatus::Arrived: return wxString::FromUTF8("\u25CF");     // dot
    case AppointmentStatus::InSession: return wxString::FromUTF8("\u25B6");   // play
    case AppointmentStatus::Completed: return wxString::FromUTF8("\u2714");   // heavy check
    case AppointmentStatus::Cancelled: return wxString::FromUTF8("\u2715");   // cross
    case AppointmentStatus::NoShow: return wxString("!");
    }
    return wxString();
}

wxColour status_colour(AppointmentStatus s) {
    switch (s) {
    case AppointmentStatus::Arrived: return wxColour(0x2E, 0x8B, 0x57);
    case AppointmentStatus::InSession: return wxColour(0x1A, 0x5F, 0xB4);
    case AppointmentStatus::Completed: return wxColour(0x33, 0x55, 0x33);
    case AppointmentStatus::Cancelled: return kMuted;
    case AppointmentStatus::NoShow: return kConflict;
    default: return kText;
    }
}

}  // namespace

CalendarView::CalendarView(wxWindow* parent, CalendarPresenter& presenter)
    : wxWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
               wxWANTS_CHARS | wxFULL_REPAINT_ON_RESIZE),
      presenter_(presenter) {
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetName("calendar");
    SetMinSize(wxSize(480, 360));
    Bind(wxEVT_PAINT, &CalendarView::on_paint, this);
    Bind(wxEVT_SIZE, &CalendarView::on_size, this);
    Bind(wxEVT_LEFT_DOWN, &CalendarView::on_left_down, this);
    Bind(wxEVT_LEFT_UP, &CalendarView::on_left_up, this);
    Bind(wxEVT_MOTION, &CalendarView::on_motion, this);
    Bind(wxEVT_LEFT_DCLICK, &CalendarView::on_double_click, this);
    Bind(wxEVT_RIGHT_DOWN, &CalendarView::on_right_down, this);
    Bind(wxEVT_KEY_DOWN, &CalendarView::on_key, this);
    Bind(wxEVT_MOUSE_CAPTURE_LOST, &CalendarView::on_capture_lost, this);
}

void CalendarView::select(std::optional<core::Id> id) {
    if (selected_ == id) return;
    selected_ = id;
    cache_dirty_ = true;
    if (on_select) on_select(id.value_or(0));
    Refresh();
}

void CalendarView::layout_changed() {
    // A selection that left the visible days is dropped.
    if (selected_ && !presenter_.appointment(*selected_)) select(std::nullopt);
    preview_.reset();
    cache_dirty_ = true;
    Refresh();
}

CalendarView::Geometry CalendarView::geometry(const wxRect& area) const {
    const auto& layout = presenter_.layout();
    Geometry g;
    g.body = wxRect(area.x + kGutter, area.y + kHeader, std::max(1, area.width - kGutter),
                    std::max(1, area.height - kHeader - kLegend));
    const int columns = std::max<int>(1, static_cast<int>(layout.columns.size()));
    g.column_width = static_cast<double>(g.body.width) / columns;
    g.first_minute = layout.first_minute;
    g.px_per_minute = static_cast<double>(g.body.height) /
                      std::max(60, layout.last_minute - layout.first_minute);
    return g;
}

wxRect CalendarView::rect_for(const Geometry& g, int column, double x0, double x1, int top,
                              int bottom) const {
    const double left = g.body.x + column * g.column_width;
    const int x = static_cast<int>(std::lround(left + x0 * g.column_width));
    const int right = static_cast<int>(std::lround(left + x1 * g.column_width));
    const int y = static_cast<int>(std::lround(g.body.y + (top - g.first_minute) * g.px_per_minute));
    const int y2 =
        static_cast<int>(std::lround(g.body.y + (bottom - g.first_minute) * g.px_per_minute));
    return wxRect(x, y, std::max(1, right - x), std::max(1, y2 - y));
}

wxRect CalendarView::block_rect(const CalendarBlock& b) const {
    const Geometry g = geometry(GetClientRect());
    return rect_for(g, b.column, b.x0, b.x1, b.top_minute, b.bottom_minute);
}

wxPoint CalendarView::point_at(int column, int minute, double x_fraction) const {
    const Geometry g = geometry(GetClientRect());
    const double x = g.body.x + (column + x_fraction) * g.column_width;
    const double y = g.body.y + (minute - g.first_minute) * g.px_per_minute;
    return wxPoint(static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y)));
}

std::optional<CalendarView::Cell> CalendarView::cell_at(wxPoint p) const {
    const Geometry g = geometry(GetClientRect());
    const auto& layout = presenter_.layout();
    if (layout.columns.empty() || p.x < g.body.x || p.x >= g.body.GetRight() + 1) return std::nullopt;
    if (p.y < g.body.y || p.y > g.body.GetBottom()) return std::nullopt;
    Cell c;
    const double cx = (p.x - g.body.x) / g.column_width;
    c.column = std::min(static_cast<int>(layout.columns.size()) - 1, static_cast<int>(cx));
    c.x_fraction = cx - c.column;
    c.minute = g.first_minute + (p.y - g.body.y) / g.px_per_minute;
    return c;
}

void CalendarView::on_paint(wxPaintEvent&) {
    const auto t0 = std::chrono::steady_clock::now();
    wxPaintDC dc(this);  // GTK3 windows are double-buffered already
    const wxRect area = GetClientRect();
    if (area.IsEmpty()) return;
    // The appointments are drawn once into a bitmap per layout, size and selection; a repaint
    // (expose, drag feedback, the "now" line) copies it and draws the overlay.
    if (cache_dirty_ || !cache_.IsOk() || cache_.GetSize() != area.GetSize()) {
        const auto r0 = std::chrono::steady_clock::now();
        cache_ = wxBitmap(area.width, area.height, 24);
        wxMemoryDC mem(cache_);
        render(mem, area, area);
        mem.SelectObject(wxNullBitmap);
        cache_dirty_ = false;
        last_render_ms_ =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r0).count();
    }
    wxRect update = GetUpdateRegion().GetBox();
    if (update.IsEmpty()) update = area;
    {
        wxMemoryDC src(cache_);
        dc.Blit(update.x, update.y, update.width, update.height, &src, update.x, update.y);
    }
    draw_overlay(dc, area);
    ++paints_;
    last_paint_ms_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void CalendarView::draw_overlay(wxDC& dc, const wxRect& area) {
    const auto& layout = presenter_.layout();
    const Geometry g = geometry(area);
    const wxFont base = wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT);
    // "Now" line on today's column.
    try {
        const ClinicZone zone(presenter_.clinic().timezone);
        const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
            std::chrono::system_clock::now());
        const LocalDate d = zone.local_date(now);
        const int minute = static_cast<int>((zone.to_local(now) - LocalTime{d}).count() / 60);
        for (std::size_t c = 0; c < layout.columns.size(); ++c) {
            if (layout.columns[c].date != d || minute < layout.first_minute ||
                minute > layout.last_minute)
                continue;
            const wxRect r = rect_for(g, static_cast<int>(c), 0, 1, minute, minute + 1);
            dc.SetPen(wxPen(kConflict, 2));
            dc.DrawLine(r.x, r.y, r.GetRight(), r.y);
        }
    } catch (const std::exception&) {
        // A clinic without a valid zone still shows its calendar.
    }

    // Drag feedback: where it would land, green if the book allows it, red with the reason if not.
    if (preview_) {
        const LocalDate d = date::floor<date::days>(preview_->new_start);
        const int start = static_cast<int>((preview_->new_start - LocalTime{d}).count() / 60);
        const wxRect r = rect_for(g, preview_->column, 0.04, 0.96, start, start + preview_->minutes);
        const wxColour c = preview_->conflict ? kConflict : kOk;
        dc.SetBrush(wxBrush(wxColour(c.Red(), c.Green(), c.Blue(), 48)));
        dc.SetPen(wxPen(c, 2, wxPENSTYLE_SHORT_DASH));
        dc.DrawRoundedRectangle(r, 4);
        dc.SetFont(base.Bold());
        dc.SetTextForeground(c);
        const wxString label = wx(format_hhmm(start)) +
                               (preview_->conflict ? wxString(" ") + _("conflict") : wxString());
        // On a white label so it reads over whatever block lies beneath.
        const wxSize sz = dc.GetTextExtent(label);
        dc.SetPen(wxPen(c));
        dc.SetBrush(*wxWHITE_BRUSH);
        dc.DrawRoundedRectangle(r.x + 4, r.y + 3, sz.x + 8, sz.y + 2, 3);
        dc.DrawText(label, r.x + 8, r.y + 4);
    }

}

void CalendarView::render(wxDC& dc, const wxRect& area, const wxRect& update) {
    const auto& layout = presenter_.layout();
    const Geometry g = geometry(area);
    const wxFont base = wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT);
    measure_fonts(dc);

    dc.SetBackground(wxBrush(kClosed));
    dc.SetClippingRegion(update);
    dc.Clear();

    // Columns: closed time grey, open hours white, today tinted.
    for (std::size_t c = 0; c < layout.columns.size(); ++c) {
        const auto& col = layout.columns[c];
        const int ci = static_cast<int>(c);
        dc.SetPen(*wxTRANSPARENT_PEN);
        for (const auto& r : col.open) {
            dc.SetBrush(wxBrush(col.is_today && layout.mode == CalendarMode::Week ? kToday : kOpen));
            const int top = std::max(r.begin, layout.first_minute);
            const int bottom = std::min(r.end, layout.last_minute);
            if (top < bottom) dc.DrawRectangle(rect_for(g, ci, 0, 1, top, bottom));
        }
    }
    // Hour and half-hour lines, hour labels in the gutter.
    dc.SetFont(base.Smaller());
    dc.SetTextForeground(kMuted);
    for (int m = layout.first_minute; m <= layout.last_minute; m += 30) {
        const int y = static_cast<int>(std::lround(g.body.y + (m - g.first_minute) * g.px_per_minute));
        dc.SetPen(wxPen(m % 60 == 0 ? kGrid : kGridLight));
        dc.DrawLine(g.body.x, y, g.body.GetRight() + 1, y);
        if (m % 60 == 0 && m < layout.last_minute) {
            const wxString label = wx(format_hhmm(m));
            const wxSize sz = dc.GetTextExtent(label);
            dc.DrawText(label, area.x + kGutter - 6 - sz.x, y + 2);
        }
    }
    dc.SetPen(wxPen(kGrid));
    for (std::size_t c = 0; c <= layout.columns.size(); ++c) {
        const int x = static_cast<int>(std::lround(g.body.x + c * g.column_width));
        dc.DrawLine(x, area.y, x, g.body.GetBottom() + 1);
    }

    // Blocks: only those intersecting what is being repainted.
    int drawn = 0;
    for (const auto& b : layout.blocks) {
        const wxRect r = rect_for(g, b.column, b.x0, b.x1, b.top_minute, b.bottom_minute);
        if (!r.Intersects(update)) continue;
        draw_block(dc, g, b);
        ++drawn;
    }

    draw_header(dc, g, area);
    draw_legend(dc, area);
    dc.DestroyClippingRegion();

    if (update.Contains(area)) blocks_drawn_ = drawn;
}

void CalendarView::draw_header(wxDC& dc, const Geometry& g, const wxRect& area) {
    const auto& layout = presenter_.layout();
    const wxFont base = wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT);
    dc.SetPen(wxPen(kGrid));
    dc.SetBrush(wxBrush(wxColour(0xFA, 0xFA, 0xFB)));
    dc.DrawRectangle(area.x, area.y, area.width, kHeader);
    if (layout.columns.empty()) {
        dc.SetFont(base);
        dc.SetTextForeground(kMuted);
        dc.DrawText(_("No practitioners to show. Add practitioners, or clear the filter."),
                    g.body.x + 12, area.y + 14);
        return;
    }
    for (std::size_t c = 0; c < layout.columns.size(); ++c) {
        const auto& col = layout.columns[c];
        const int x = static_cast<int>(std::lround(g.body.x + c * g.column_width));
        const int w = static_cast<int>(std::lround(g.column_width));
        wxDCClipper clip(dc, wxRect(x + 1, area.y, w - 2, kHeader));
        if (col.is_today && layout.mode == CalendarMode::Week) {
            dc.SetPen(*wxTRANSPARENT_PEN);
            dc.SetBrush(wxBrush(kToday));
            dc.DrawRectangle(x + 1, area.y + 1, w - 1, kHeader - 2);
        }
        wxString title;
        wxString sub;
        if (layout.mode == CalendarMode::Week)
            title = format_day(col.date, false);
        else
            title = col.room_id || col.practitioner_id ? wx(col.title) : _("No room");
        dc.SetFont(base.Bold());
        dc.SetTextForeground(col.is_today && layout.mode == CalendarMode::Week ? kTodayText : kText);
        dc.DrawText(title, x + 8, area.y + 6);
        int n = 0;
        for (const auto& b : layout.blocks)
            if (b.column == static_cast<int>(c) && core::occupies_time(b.status)) ++n;
        sub = wxString::Format(wxPLURAL("%d appointment", "%d appointments", n), n);
        if (col.is_today && layout.mode == CalendarMode::Week) sub = _("Today") + ", " + sub;
        dc.SetFont(base.Smaller());
        dc.SetTextForeground(kMuted);
        dc.DrawText(sub, x + 8, area.y + 25);
    }
    dc.SetPen(wxPen(kGrid));
    dc.DrawLine(area.x, area.y + kHeader - 1, area.GetRight() + 1, area.y + kHeader - 1);
}

void CalendarView::draw_legend(wxDC& dc, const wxRect& area) {
    const auto& layout = presenter_.layout();
    const wxFont base = wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT).Smaller();
    const int y = area.GetBottom() - kLegend + 1;
    dc.SetPen(wxPen(kGrid));
    dc.SetBrush(wxBrush(wxColour(0xFA, 0xFA, 0xFB)));
    dc.DrawRectangle(area.x, y, area.width, kLegend);
    dc.SetFont(base);
    int x = area.x + 10;
    const int mid = y + kLegend / 2;
    for (const auto& e : layout.legend) {
        const wxColour c = to_wx(e.colour);
        dc.SetPen(wxPen(c));
        dc.SetBrush(wxBrush(mix(c, *wxWHITE, 0.75)));
        dc.DrawRoundedRectangle(x, mid - 6, 14, 12, 2);
        dc.SetBrush(wxBrush(c));
        dc.DrawRectangle(x, mid - 6, 4, 12);
        dc.SetTextForeground(kText);
        const wxString label = key_label(e.key);
        dc.DrawText(label, x + 19, mid - dc.GetCharHeight() / 2);
        x += 19 + dc.GetTextExtent(label).x + 16;
    }
    // Status marks, right-aligned.
    wxString marks;
    for (auto s : {AppointmentStatus::Confirmed, AppointmentStatus::Arrived,
                   AppointmentStatus::InSession, AppointmentStatus::Completed,
                   AppointmentStatus::Cancelled, AppointmentStatus::NoShow}) {
        marks += status_mark(s) + " " + status_name(s) + "    ";
    }
    marks.Trim();
    dc.SetTextForeground(kMuted);
    const wxSize sz = dc.GetTextExtent(marks);
    dc.DrawText(marks, std::max(x, area.GetRight() - sz.x - 10), mid - dc.GetCharHeight() / 2);
}

void CalendarView::measure_fonts(wxDC& dc) {
    const wxFont base = wxSystemSettings::GetFont(wxSYS_DEFAULT_GUI_FONT);
    fonts_.small = base.Smaller();
    fonts_.small_bold = fonts_.small.Bold();
    fonts_.small_bold_struck = fonts_.small_bold;
    fonts_.small_bold_struck.SetStrikethrough(true);
    static const wxString sample = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";
    dc.SetFont(fonts_.small);
    fonts_.line_small = dc.GetCharHeight();
    fonts_.char_small = static_cast<double>(dc.GetTextExtent(sample).x) / sample.length();
    dc.SetFont(fonts_.small_bold);
    fonts_.line_bold = dc.GetCharHeight();
    fonts_.char_bold = static_cast<double>(dc.GetTextExtent(sample).x) / sample.length();
    for (auto s : {AppointmentStatus::Booked, AppointmentStatus::Confirmed, AppointmentStatus::Arrived,
                   AppointmentStatus::InSession, AppointmentStatus::Completed,
                   AppointmentStatus::Cancelled, AppointmentStatus::NoShow}) {
        const wxString mark = status_mark(s);
        fonts_.mark_width[static_cast<int>(s) & 7] = mark.empty() ? 0 : dc.GetTextExtent(mark).x + 4;
    }
}

namespace {
/// `s` cut to what can show in `width` pixels (a little more: the block clips the rest), so
/// Pango never lays out a long name for a block a few characters wide.
wxString fit(const std::string& s, int width, double char_width) {
    wxString w = wx(s);
    const auto most = static_cast<std::size_t>(width / (0.6 * char_width)) + 1;
    if (w.length() > most) w.Truncate(most);
    return w;
}
}  // namespace

void CalendarView::draw_block(wxDC& dc, const Geometry& g, const CalendarBlock& b) {
    wxRect r = rect_for(g, b.column, b.x0, b.x1, b.top_minute, b.bottom_minute);
    r.x += 2;
    r.width = std::max(3, r.width - 4);
    r.y += 1;
    r.height = std::max(3, r.height - 2);

    const wxColour base = to_wx(b.colour);
    const bool cancelled = b.status == AppointmentStatus::Cancelled;
    const bool no_show = b.status == AppointmentStatus::NoShow;
    const bool done = b.status == AppointmentStatus::Completed;
    wxColour fill = mix(base, *wxWHITE, done ? 0.88 : 0.78);
    wxColour stripe = base;
    wxColour text = kText;
    if (cancelled) {
        fill = wxColour(0xF4, 0xF4, 0xF5);
        stripe = wxColour(0xBD, 0xBD, 0xC2);
        text = kMuted;
    } else if (no_show) {
        fill = wxColour(0xFD, 0xEC, 0xEC);
        stripe = kConflict;
    }
    const bool selected = selected_ && *selected_ == b.appointment_id;
    if (r.width < 8 && !selected) {
        // A few pixels wide (a busy week's lanes): border and stripe would cover it anyway; one
        // rectangle in the stripe's colour draws the same picture at a third of the cost.
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(mix(stripe, *wxWHITE, cancelled ? 0.5 : 0.2)));
        dc.DrawRectangle(r);
        return;
    }
    dc.SetBrush(wxBrush(fill));
    dc.SetPen(selected ? wxPen(kText, 2) : wxPen(mix(stripe, *wxWHITE, 0.35)));
    if (r.width >= 8 && r.height >= 8)
        dc.DrawRoundedRectangle(r, 3);
    else
        dc.DrawRectangle(r);
    if (cancelled) {
        dc.SetBrush(wxBrush(wxColour(0xD0, 0xD0, 0xD4), wxBRUSHSTYLE_BDIAGONAL_HATCH));
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.DrawRectangle(r.Deflate(1));
    }
    dc.SetPen(*wxTRANSPARENT_PEN);
    dc.SetBrush(wxBrush(stripe));
    dc.DrawRectangle(r.x, r.y, std::min(4, r.width), r.height);

    // Text only where it can be read: at least two characters wide and one line high. Heights
    // and widths come from measure_fonts(), never from measuring per block.
    const bool narrow = r.width < 110;
    const int x = narrow ? r.x + 5 : r.x + 8;
    const int room = r.GetRight() - x;
    if (room < 2 * fonts_.char_bold || r.height < fonts_.line_bold) return;
    wxDCClipper clip(dc, r.Deflate(1));
    int y = r.y + 2;

    // Status mark in the top-right corner.
    const wxString mark = status_mark(b.status);
    const int mark_width = fonts_.mark_width[static_cast<int>(b.status) & 7];
    if (!mark.empty() && r.width >= mark_width + 12) {
        dc.SetFont(fonts_.small_bold);
        dc.SetTextForeground(status_colour(b.status));
        dc.DrawText(mark, r.GetRight() - mark_width, y);
    }
    dc.SetTextForeground(text);
    const wxFont& name_font = cancelled ? fonts_.small_bold_struck : fonts_.small_bold;

    const bool roomy = r.height >= fonts_.line_small + fonts_.line_bold + 6;
    if (narrow) {
        // Many overlapping lanes: the position tells the time, the name matters most.
        dc.SetFont(name_font);
        dc.DrawText(fit(b.patient, room, fonts_.char_bold), x, y);
        y += fonts_.line_bold;
    } else if (roomy) {
        dc.SetFont(fonts_.small);
        dc.SetTextForeground(cancelled ? text : mix(base, *wxBLACK, 0.35));
        dc.DrawText(fit(b.time_label, room, fonts_.char_small), x, y);
        y += fonts_.line_small;
        dc.SetFont(name_font);
        dc.SetTextForeground(text);
        dc.DrawText(fit(b.patient, room, fonts_.char_bold), x, y);
        y += fonts_.line_bold;
    } else {
        dc.SetFont(name_font);
        dc.DrawText(fit(b.time_label.substr(0, 5) + " " + b.patient, room, fonts_.char_bold), x, y);
        y += fonts_.line_bold;
    }
    const int line = fonts_.line_small;
    if (y + line > r.GetBottom() + 1) return;  // no room for the detail lines
    dc.SetFont(fonts_.small);
    dc.SetTextForeground(cancelled ? text : kMuted);
    if (no_show || cancelled) {
        const wxString s = status_name(b.status) + (b.late_cancel ? wxString(" ") + _("(late)") : wxString());
        dc.SetTextForeground(no_show ? kConflict : text);
        if (y + line <= r.GetBottom()) dc.DrawText(s, x, y);
        y += line;
        dc.SetTextForeground(cancelled ? text : kMuted);
    }
    if (y + line > r.GetBottom() + 1) return;
    std::string detail = b.service;
    if ((presenter_.layout().mode == CalendarMode::Week || presenter_.by_room()) &&
        !b.practitioner.empty())
        detail = detail.empty() ? b.practitioner : detail + " \u00B7 " + b.practitioner;
    if (!detail.empty()) dc.DrawText(fit(detail, room, fonts_.char_small), x, y);
}

void CalendarView::on_size(wxSizeEvent& e) {
    cache_dirty_ = true;
    Refresh();
    e.Skip();
}

void CalendarView::on_left_down(wxMouseEvent& e) {
    SetFocus();
    pressed_.reset();
    dragging_ = false;
    preview_.reset();
    auto cell = cell_at(e.GetPosition());
    if (!cell) return;
    auto id = block_at(presenter_.layout(), cell->column, cell->x_fraction, cell->minute);
    select(id);
    if (!id) return;
    for (const auto& b : presenter_.layout().blocks) {
        if (b.appointment_id != *id) continue;
        // Only what still occupies time can be moved.
        if (!core::occupies_time(b.status) || b.status == AppointmentStatus::Completed ||
            b.status == AppointmentStatus::NoShow)
            return;
        grab_offset_minutes_ = cell->minute - b.top_minute;
    }
    resizing_ = on_resize_grip(e.GetPosition());
    pressed_ = id;
    press_point_ = e.GetPosition();
    CaptureMouse();
}

bool CalendarView::on_resize_grip(wxPoint p) const {
    auto cell = cell_at(p);
    if (!cell) return false;
    auto id = block_at(presenter_.layout(), cell->column, cell->x_fraction, cell->minute);
    if (!id) return false;
    for (const auto& b : presenter_.layout().blocks) {
        if (b.appointment_id != *id || !core::occupies_time(b.status) ||
            b.status == AppointmentStatus::Completed || b.status == AppointmentStatus::NoShow)
            continue;
        const wxRect r = block_rect(b);
        return r.height > 2 * kResizeGrip && p.y >= r.GetBottom() - kResizeGrip;
    }
    return false;
}

void CalendarView::on_motion(wxMouseEvent& e) {
    if (!pressed_ || !e.LeftIsDown()) {
        // Show that the bottom edge can be dragged to change the length.
        SetCursor(on_resize_grip(e.GetPosition()) ? wxCursor(wxCURSOR_SIZENS) : wxNullCursor);
        return;
    }
    const wxPoint d = e.GetPosition() - press_point_;
    if (!dragging_ && std::abs(d.x) + std::abs(d.y) < 5) return;
    dragging_ = true;
    auto cell = cell_at(e.GetPosition());
    if (!cell) return;
    preview_ = resizing_ ? presenter_.preview_resize(*pressed_, cell->minute)
                         : presenter_.preview_move(*pressed_, cell->column,
                                                   cell->minute - grab_offset_minutes_);
    SetToolTip(preview_->conflict ? wx(preview_->reason) : wxString());
    // The reason also goes to the status bar, where it stays readable while dragging.
    if (auto* frame = dynamic_cast<wxFrame*>(wxGetTopLevelParent(this));
        frame && frame->GetStatusBar())
        frame->SetStatusText(preview_->conflict ? wx(preview_->reason)
                                                : wxString::Format(_("Move to %s"),
                                                                   wx(format_hhmm(static_cast<int>(
                                                                       (preview_->new_start -
                                                                        LocalTime{date::floor<date::days>(
                                                                            preview_->new_start)})
                                                                           .count() / 60)))),
                             0);
    Refresh();
}

void CalendarView::on_left_up(wxMouseEvent&) {
    if (HasCapture()) ReleaseMouse();
    const bool was_drag = dragging_ && preview_;
    const auto preview = preview_;
    pressed_.reset();
    dragging_ = false;
    preview_.reset();
    UnsetToolTip();
    Refresh();
    if (!was_drag) return;
    if (preview->conflict) {
        if (on_move_refused) on_move_refused(*preview);
    } else if (on_move) {
        on_move(*preview);
    }
}

void CalendarView::on_capture_lost(wxMouseCaptureLostEvent&) {
    pressed_.reset();
    dragging_ = false;
    preview_.reset();
    Refresh();
}

void CalendarView::on_double_click(wxMouseEvent& e) {
    auto cell = cell_at(e.GetPosition());
    if (!cell) return;
    if (block_at(presenter_.layout(), cell->column, cell->x_fraction, cell->minute)) {
        post_command(kCmdDescribe);
        return;
    }
    const int minute = static_cast<int>(cell->minute) / 15 * 15;
    if (on_book_at) on_book_at(cell->column, minute);
}

void CalendarView::on_right_down(wxMouseEvent& e) {
    SetFocus();
    auto cell = cell_at(e.GetPosition());
    if (!cell) return;
    auto id = block_at(presenter_.layout(), cell->column, cell->x_fraction, cell->minute);
    select(id);
    if (id && on_context_menu) on_context_menu(*id, e.GetPosition());
}

void CalendarView::move_selection(int delta) {
    const auto& blocks = presenter_.layout().blocks;
    if (blocks.empty()) return;
    int index = delta > 0 ? -1 : static_cast<int>(blocks.size());
    if (selected_) {
        for (std::size_t i = 0; i < blocks.size(); ++i)
            if (blocks[i].appointment_id == *selected_) index = static_cast<int>(i);
    }
    index = std::clamp(index + delta, 0, static_cast<int>(blocks.size()) - 1);
    select(blocks[static_cast<std::size_t>(index)].appointment_id);
}

void CalendarView::post_command(int id) {
    wxCommandEvent ev(wxEVT_MENU, id);
    wxPostEvent(GetParent(), ev);
}

void CalendarView::on_key(wxKeyEvent& e) {
    if (e.HasAnyModifiers()) {
        e.Skip();
        return;
    }
    switch (e.GetKeyCode()) {
    case WXK_LEFT: case WXK_PAGEUP: post_command(kCmdPrevious); break;
    case WXK_RIGHT: case WXK_PAGEDOWN: post_command(kCmdNext); break;
    case WXK_HOME: case 'T': post_command(kCmdToday); break;
    case 'D': post_command(kCmdDayView); break;
    case 'W': post_command(kCmdWeekView); break;
    case 'R': post_command(kCmdByRoom); break;
    case 'B': post_command(kCmdNewBooking); break;
    case 'A': post_command(kCmdArrive); break;
    case 'S': post_command(kCmdStart); break;
    case 'C': post_command(kCmdComplete); break;
    case 'N': post_command(kCmdNoShow); break;
    case WXK_DELETE: case 'X': post_command(kCmdCancelAppointment); break;
    case WXK_DOWN: case WXK_TAB: move_selection(1); break;
    case WXK_UP: move_selection(-1); break;
    case WXK_RETURN: case WXK_NUMPAD_ENTER:
        if (selected_ && on_context_menu) {
            for (const auto& b : presenter_.layout().blocks)
                if (b.appointment_id == *selected_)
                    on_context_menu(*selected_, block_rect(b).GetPosition() + wxPoint(10, 10));
        }
        break;
    case WXK_ESCAPE:
        if (dragging_) {
            if (HasCapture()) ReleaseMouse();
            pressed_.reset();
            dragging_ = false;
            preview_.reset();
            Refresh();
        } else {
            select(std::nullopt);
        }
        break;
    default: e.Skip();
    }
}

}  // namespace vertebra::ui
