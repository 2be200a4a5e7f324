// A custom-drawn outcome trend with wxGraphicsContext: scores, baseline, MCID line and goal.
#include "trend_plot.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <wx/dcbuffer.h>
#include <wx/graphics.h>
#include <wx/settings.h>

#include "ui_text.hpp"

namespace vertebra::ui {

namespace {
const wxColour kLine(0x1F, 0x6F, 0xB2);
const wxColour kMet(0x2E, 0x8B, 0x57);
const wxColour kBaseline(0x80, 0x80, 0x80);
const wxColour kMcid(0x2E, 0x8B, 0x57);
const wxColour kTarget(0xB0, 0x6A, 0x00);
const wxColour kGrid(0xE6, 0xE6, 0xE6);
const wxColour kText(0x50, 0x50, 0x50);

wxString num(double v) {
    return std::abs(v - std::round(v)) < 1e-9 ? wxString::Format("%d", static_cast<int>(std::round(v)))
                                             : wxString::Format("%.1f", v);
}
}  // namespace

TrendPlot::TrendPlot(wxWindow* parent, const wxString& name)
    : wxWindow(parent, wxID_ANY, wxDefaultPosition, wxSize(420, 210), wxFULL_REPAINT_ON_RESIZE,
               name) {
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetMinSize(wxSize(320, 190));
    Bind(wxEVT_PAINT, &TrendPlot::on_paint, this);
}

void TrendPlot::set_series(TrendSeries s) {
    series_ = std::move(s);
    Refresh();
}

wxRect TrendPlot::plot_area() const {
    const wxSize sz = GetClientSize();
    // Room for the title above, the y labels left, the dates below, line labels right.
    return wxRect(44, 30, std::max(10, sz.x - 44 - 92), std::max(10, sz.y - 30 - 28));
}

double TrendPlot::y_of(double value) const {
    const wxRect a = plot_area();
    const double max = series_.scale_max > 0 ? series_.scale_max : 10;
    return a.GetBottom() - (value / max) * a.GetHeight();
}

double TrendPlot::x_of(Instant t) const {
    const wxRect a = plot_area();
    if (series_.points.empty()) return a.GetLeft();
    const double t0 = static_cast<double>(to_epoch(series_.points.front().taken_at));
    double t1 = static_cast<double>(to_epoch(series_.points.back().taken_at));
    if (t1 <= t0) return a.GetLeft() + a.GetWidth() / 2.0;
    return a.GetLeft() + 8 + (static_cast<double>(to_epoch(t)) - t0) / (t1 - t0) * (a.GetWidth() - 16);
}

double TrendPlot::place_label(double wanted, double height, std::vector<double>& placed) {
    double y = wanted;
    // Half a pixel of slack: right after `y = other + height`, rounding can leave |other - y| a
    // hair under `height` (0.1 + 0.7 is 0.7999999999999999), and without the slack that label
    // moved onto the same place for ever: a chart window hung in its first paint.
    for (bool moved = true; moved;) {
        moved = false;
        for (double other : placed)
            if (std::abs(other - y) < height - 0.5) {
                y = other + height;
                moved = true;
            }
    }
    placed.push_back(y);
    return y;
}

void TrendPlot::on_paint(wxPaintEvent&) {
    wxAutoBufferedPaintDC dc(this);
    dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
    dc.Clear();
    ++paints_;
    drawn_.clear();
    std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(dc));
    if (!gc) return;
    gc->SetAntialiasMode(wxANTIALIAS_DEFAULT);
    const wxRect a = plot_area();
    wxFont font = GetFont();
    wxFont bold = font.Bold();
    gc->SetFont(bold, wxColour(0x20, 0x20, 0x20));
    gc->DrawText(wx(series_.title), 4, 4);
    double tw = 0, th = 0;
    gc->GetTextExtent(wx(series_.title), &tw, &th);
    gc->SetFont(font, kText);
    gc->DrawText(wx(series_.summary), 4 + tw + 12, 4);

    // Grid and y labels: 0..max in five steps.
    const double max = series_.scale_max > 0 ? series_.scale_max : 10;
    gc->SetPen(wxPen(kGrid, 1));
    for (int i = 0; i <= 5; ++i) {
        const double v = max * i / 5.0;
        const double y = y_of(v);
        gc->StrokeLine(a.GetLeft(), y, a.GetRight(), y);
        const wxString label = num(v);
        gc->GetTextExtent(label, &tw, &th);
        gc->DrawText(label, a.GetLeft() - 6 - tw, y - th / 2);
    }
    gc->SetPen(wxPen(wxColour(0xB0, 0xB0, 0xB0), 1));
    gc->StrokeLine(a.GetLeft(), a.GetTop(), a.GetLeft(), a.GetBottom());
    gc->StrokeLine(a.GetLeft(), a.GetBottom(), a.GetRight(), a.GetBottom());

    if (series_.points.empty()) {
        const wxString empty = _("No scores recorded yet.");
        gc->GetTextExtent(empty, &tw, &th);
        gc->DrawText(empty, a.GetLeft() + (a.GetWidth() - tw) / 2, a.GetTop() + (a.GetHeight() - th) / 2);
        return;
    }

    // Reference lines, labelled at the right edge (labels that would overlap move apart).
    std::vector<double> label_ys;
    auto hline = [&](double value, const wxColour& c, wxPenStyle style, const wxString& label) {
        const double y = y_of(value);
        wxPen pen(c, 1, style);
        gc->SetPen(pen);
        gc->StrokeLine(a.GetLeft(), y, a.GetRight(), y);
        gc->SetFont(font, c);
        gc->GetTextExtent(label, &tw, &th);
        const double ly = place_label(y - th / 2, th, label_ys);
        gc->DrawText(label, a.GetRight() + 6, ly);
    };
    if (series_.target) hline(*series_.target, kTarget, wxPENSTYLE_DOT, wxString::Format(_("Goal %s"), num(*series_.target)));
    if (series_.baseline)
        hline(*series_.baseline, kBaseline, wxPENSTYLE_SHORT_DASH,
              wxString::Format(_("Baseline %s"), num(*series_.baseline)));
    if (series_.mcid_line)
        hline(*series_.mcid_line, kMcid, wxPENSTYLE_LONG_DASH,
              wxString::Format(_("MCID %s"), num(*series_.mcid_line)));

    // Dates under the first, middle and last points.
    gc->SetFont(font, kText);
    std::vector<std::size_t> dated = {0};
    if (series_.points.size() > 2) dated.push_back(series_.points.size() / 2);
    if (series_.points.size() > 1) dated.push_back(series_.points.size() - 1);
    double last_right = -1e9;
    const double end_left = [&] {
        const auto& p = series_.points.back();
        gc->GetTextExtent(format_day(p.day, false), &tw, &th);
        return std::clamp(x_of(p.taken_at) - tw / 2, static_cast<double>(a.GetLeft()), a.GetRight() - tw);
    }();
    for (std::size_t i : dated) {
        const auto& p = series_.points[i];
        const wxString label = format_day(p.day, false);
        gc->GetTextExtent(label, &tw, &th);
        double x = x_of(p.taken_at) - tw / 2;
        x = std::clamp(x, static_cast<double>(a.GetLeft()), a.GetRight() - tw);
        const bool last = i == series_.points.size() - 1;
        // A date that would touch its neighbour is left out (the first and last always show).
        if (x < last_right + 10 || (!last && i != 0 && x + tw + 10 > end_left)) continue;
        gc->DrawText(label, x, a.GetBottom() + 6);
        last_right = x + tw;
    }

    // The scores: a line through them, a dot per score (green once the MCID is met).
    wxGraphicsPath path = gc->CreatePath();
    for (std::size_t i = 0; i < series_.points.size(); ++i) {
        const auto& p = series_.points[i];
        const wxPoint2DDouble pt(x_of(p.taken_at), y_of(p.value));
        drawn_.push_back(pt);
        if (i == 0) path.MoveToPoint(pt);
        else path.AddLineToPoint(pt);
    }
    gc->SetPen(wxPen(kLine, 2));
    gc->StrokePath(path);
    for (std::size_t i = 0; i < series_.points.size(); ++i) {
        const auto& pt = drawn_[i];
        const bool met = series_.points[i].mcid_met;
        gc->SetPen(wxPen(met ? kMet : kLine, 2));
        gc->SetBrush(wxBrush(met ? kMet : *wxWHITE));
        gc->DrawEllipse(pt.m_x - 4, pt.m_y - 4, 8, 8);
    }
}

}  // namespace vertebra::ui
