// The custom-drawn calendar: columns of days or practitioners, appointment blocks, drag to move.
#pragma once

#include <functional>
#include <optional>

#include <wx/bitmap.h>
#include <wx/font.h>
#include <wx/window.h>

#include "vertebra/ui/calendar_presenter.hpp"

class wxDC;

namespace vertebra::ui {

class CalendarView : public wxWindow {
public:
    CalendarView(wxWindow* parent, CalendarPresenter& presenter);

    /// Called after a drop that the loaded book allows; the frame commits it.
    std::function<void(const MovePreview&)> on_move;
    /// Called when a drop is refused before asking the database (the reason is in the preview).
    std::function<void(const MovePreview&)> on_move_refused;
    /// Double-click on empty time: book at this column's date (and practitioner) and minute.
    std::function<void(int column, int minute)> on_book_at;
    /// Right-click on a block (already selected): show the appointment menu at `where`.
    std::function<void(core::Id, wxPoint where)> on_context_menu;
    /// Selection changed (0 = none).
    std::function<void(core::Id)> on_select;

    std::optional<core::Id> selected() const { return selected_; }
    void select(std::optional<core::Id> id);
    /// Call after the presenter's layout changed.
    void layout_changed();

    /// Pixel rectangle of a block (client coordinates), as last laid out.
    wxRect block_rect(const CalendarBlock& b) const;
    /// Client point at `minute` in the middle of `column` (for tests and keyboard).
    wxPoint point_at(int column, int minute, double x_fraction = 0.5) const;
    /// Blocks drawn when the appointments were last drawn, and how long that took (a new week,
    /// selection or size); a repaint copies that drawing and adds the overlay (last_paint_ms).
    int blocks_drawn() const { return blocks_drawn_; }
    double last_render_ms() const { return last_render_ms_; }
    double last_paint_ms() const { return last_paint_ms_; }
    int paints() const { return paints_; }
    /// True when a press at `p` (client) would resize a block by its bottom edge.
    bool on_resize_grip(wxPoint p) const;
    /// The drag in progress, if any.
    const std::optional<MovePreview>& drag_preview() const { return preview_; }

    /// Draws the calendar without the overlay (drag feedback, "now" line) into `dc`; only blocks
    /// intersecting `update` are drawn.
    void render(wxDC& dc, const wxRect& area, const wxRect& update);
    /// Forces the appointments to be drawn again on the next paint.
    void invalidate() { cache_dirty_ = true; Refresh(); }

private:
    struct Cell {
        int column = -1;
        double x_fraction = 0;
        double minute = 0;
    };
    struct Geometry {
        wxRect body;  // columns area below the header, right of the gutter
        double column_width = 1;
        double px_per_minute = 1;
        int first_minute = 0;
    };
    Geometry geometry(const wxRect& area) const;
    std::optional<Cell> cell_at(wxPoint p) const;
    wxRect rect_for(const Geometry& g, int column, double x0, double x1, int top, int bottom) const;
    void draw_block(wxDC& dc, const Geometry& g, const CalendarBlock& b);
    void draw_header(wxDC& dc, const Geometry& g, const wxRect& area);
    void draw_legend(wxDC& dc, const wxRect& area);
    void draw_overlay(wxDC& dc, const wxRect& area);
    void move_selection(int delta);

    void on_paint(wxPaintEvent& e);
    void on_size(wxSizeEvent& e);
    void on_left_down(wxMouseEvent& e);
    void on_left_up(wxMouseEvent& e);
    void on_motion(wxMouseEvent& e);
    void on_double_click(wxMouseEvent& e);
    void on_right_down(wxMouseEvent& e);
    void on_key(wxKeyEvent& e);
    void on_capture_lost(wxMouseCaptureLostEvent& e);
    void post_command(int id);

    // Made once per drawing: fonts, and what measuring text would otherwise cost per block
    // (each measurement lays text out with Pango: most of a busy day's drawing time).
    struct Fonts {
        wxFont small;
        wxFont small_bold;
        wxFont small_bold_struck;
        int line_small = 12;   ///< character height of `small`
        int line_bold = 12;    ///< ... of `small_bold`
        double char_small = 6; ///< average character width of `small`
        double char_bold = 6;  ///< ... of `small_bold`
        int mark_width[8] = {};  ///< status mark widths (bold), by status
    };
    Fonts fonts_;
    void measure_fonts(wxDC& dc);

    CalendarPresenter& presenter_;
    std::optional<core::Id> selected_;
    // Drag state.
    std::optional<core::Id> pressed_;
    wxPoint press_point_;
    double grab_offset_minutes_ = 0;
    bool dragging_ = false;
    bool resizing_ = false;  ///< the press was on a block's bottom edge
    /// Pixels above a block's bottom edge where a press resizes instead of moving.
    static constexpr int kResizeGrip = 6;
    std::optional<MovePreview> preview_;

    wxBitmap cache_;
    bool cache_dirty_ = true;
    int blocks_drawn_ = 0;
    double last_render_ms_ = 0;
    double last_paint_ms_ = 0;
    int paints_ = 0;

    static constexpr int kGutter = 58;
    static constexpr int kHeader = 44;
    static constexpr int kLegend = 28;
};

}  // namespace vertebra::ui
