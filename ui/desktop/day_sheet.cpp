// Prints (and previews) a practitioner's day sheet with wx's printing framework.
#include "day_sheet.hpp"

#include <wx/dcmemory.h>
#include <wx/frame.h>
#include <wx/msgdlg.h>
#include <wx/settings.h>

#include "ui_text.hpp"

namespace vertebra::ui {

DaySheetPrintout::DaySheetPrintout(std::vector<DaySheetPage> pages)
    : wxPrintout(_("Day sheet")), pages_(std::move(pages)) {}

bool DaySheetPrintout::HasPage(int page) {
    return page >= 1 && page <= static_cast<int>(pages_.size());
}

void DaySheetPrintout::GetPageInfo(int* min_page, int* max_page, int* from, int* to) {
    *min_page = 1;
    *max_page = static_cast<int>(pages_.size());
    *from = 1;
    *to = *max_page;
}

bool DaySheetPrintout::OnPrintPage(int page) {
    wxDC* dc = GetDC();
    if (!dc || !HasPage(page)) return false;
    // Work in a 1000-unit-wide logical page; wx scales to the printer's resolution.
    FitThisSizeToPageMargins(wxSize(1000, 1414), wxPageSetupDialogData());
    draw_page(*dc, page, wxSize(1000, 1414));
    return true;
}

void DaySheetPrintout::draw_page(wxDC& dc, int page, const wxSize& size) const {
    const DaySheetPage& p = pages_.at(static_cast<std::size_t>(page - 1));
    const double k = size.x / 1000.0;
    auto px = [k](double v) { return static_cast<int>(v * k); };
    wxFont font(wxFontInfo(px(14)).Family(wxFONTFAMILY_SWISS));
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.SetTextForeground(*wxBLACK);

    dc.SetFont(font.Bold().Scaled(1.6f));
    dc.DrawText(wx(p.practitioner), px(40), px(40));
    dc.SetFont(font);
    dc.DrawText(format_day(p.day, true) + wxString::FromUTF8("  \u00B7  ") + wx(p.clinic), px(40), px(78));
    dc.DrawText(wxString::Format(_("%zu appointments, %d h %02d min booked"), p.rows.size(),
                                 p.booked_minutes / 60, p.booked_minutes % 60),
                px(40), px(100));

    const int cols[] = {40, 160, 400, 610, 760};
    const wxString heads[] = {_("Time"), _("Patient"), _("Service"), _("Room"), _("Status")};
    int y = 140;
    dc.SetFont(font.Bold());
    for (int i = 0; i < 5; ++i) dc.DrawText(heads[i], px(cols[i]), px(y));
    y += 24;
    dc.SetPen(wxPen(*wxBLACK, std::max(1, px(1))));
    dc.DrawLine(px(40), px(y), px(960), px(y));
    y += 8;
    dc.SetFont(font);
    for (const auto& r : p.rows) {
        if (y > 1360) break;
        const bool cancelled = r.status == core::AppointmentStatus::Cancelled;
        dc.SetTextForeground(cancelled ? wxColour(0x88, 0x88, 0x88) : *wxBLACK);
        wxDCClipper clip(dc, wxRect(px(40), px(y), px(920), px(40)));
        dc.DrawText(wx(r.time), px(cols[0]), px(y));
        dc.DrawText(wx(r.patient), px(cols[1]), px(y));
        dc.DrawText(wx(r.service), px(cols[2]), px(y));
        dc.DrawText(wx(r.room), px(cols[3]), px(y));
        dc.DrawText(status_name(r.status), px(cols[4]), px(y));
        if (!r.notes.empty()) {
            dc.SetFont(font.Italic().Scaled(0.85f));
            dc.DrawText(wx(r.notes), px(cols[1]), px(y + 19));
            dc.SetFont(font);
        }
        y += r.notes.empty() ? 26 : 40;
        dc.SetPen(wxPen(wxColour(0xDD, 0xDD, 0xDD), 1));
        dc.DrawLine(px(40), px(y - 4), px(960), px(y - 4));
    }
    if (p.rows.empty()) dc.DrawText(_("No appointments."), px(40), px(y));
}

void show_day_sheet_preview(wxWindow* parent, core::Scheduler& scheduler,
                            core::SchedulingRepository& repo, LocalDate day,
                            std::optional<core::Id> practitioner) {
    auto pages = build_day_sheet(scheduler, repo, day, practitioner);
    if (pages.empty()) {
        wxMessageBox(wxString::Format(_("Nobody has appointments on %s."), format_day(day, true)),
                     _("Day sheet"), wxOK | wxICON_INFORMATION, parent);
        return;
    }
    auto* preview = new wxPrintPreview(new DaySheetPrintout(pages), new DaySheetPrintout(pages));
    if (!preview->IsOk()) {
        delete preview;
        wxMessageBox(_("Printing is not available on this computer."), _("Day sheet"),
                     wxOK | wxICON_WARNING, parent);
        return;
    }
    auto* frame = new wxPreviewFrame(preview, parent, _("Day sheet"), wxDefaultPosition,
                                     wxSize(900, 1000));
    frame->Initialize();
    frame->Show();
}

wxBitmap render_day_sheet(const std::vector<DaySheetPage>& pages, int width) {
    const wxSize size(width, width * 1414 / 1000);
    wxBitmap bmp(size.x, size.y, 24);
    wxMemoryDC dc(bmp);
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.Clear();
    if (!pages.empty()) DaySheetPrintout(pages).draw_page(dc, 1, size);
    dc.SelectObject(wxNullBitmap);
    return bmp;
}

}  // namespace vertebra::ui
